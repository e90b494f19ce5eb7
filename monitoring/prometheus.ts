// prometheus.yml: global intervals, rule files, Alertmanager, and the scrape jobs of scrape-jobs.ts.
import { stringify } from "yaml";
import type { Settings } from "../settings";
import { prometheusBasicAuth } from "./api-auth";
import { REPLICA_LABEL } from "./hosts";
import { RenderOptions } from "./layout";
import { scrapeJobs } from "./scrape-jobs";

interface ScrapeConfig {
  job_name: string;
  basic_auth?: { username: string; password_file: string };
  static_configs: { targets: string[]; labels?: Record<string, string> }[];
}

export function prometheusConfig(settings: Settings, options: RenderOptions): string {
  const { docker } = settings;
  const { cluster } = options;
  const auth = options.apiAuth ? prometheusBasicAuth : {};
  const scrape: ScrapeConfig[] = scrapeJobs(settings, options.peers, cluster).map(({ job, targets, owner, ownerLabels, api, perHost }) => {
    const labels = { ...(ownerLabels ? owner : {}), ...(perHost && cluster ? { host: cluster.replica } : {}) };
    return { job_name: job, ...(api ? auth : {}), static_configs: [{ targets, ...(Object.keys(labels).length > 0 ? { labels } : {}) }] };
  });
  const config = {
    global: {
      scrape_interval: docker.scrapeInterval,
      evaluation_interval: docker.evaluationInterval,
      external_labels: { environment: settings.environment, ...(cluster ? { [REPLICA_LABEL]: cluster.replica } : {}) },
    },
    // Relative to this file, so the same tree works in a container and on loopback.
    rule_files: ["rules/*.yml"],
    alerting: {
      // Replicas send the same alerts; without their replica label the peers see one alert each.
      ...(cluster ? { alert_relabel_configs: [{ action: "labeldrop", regex: REPLICA_LABEL }] } : {}),
      // Every peer, never a load balancer: the peers deduplicate among themselves.
      alertmanagers: [{ ...auth, static_configs: [{ targets: cluster?.alertmanager ?? [options.peers.alertmanager] }] }],
    },
    scrape_configs: scrape,
  };
  return stringify(config, { lineWidth: 0 });
}
