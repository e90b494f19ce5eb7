// prometheus.yml: global intervals, rule files, Alertmanager, and the scrape jobs of scrape-jobs.ts.
import { toYaml } from "./yaml";
import type { Settings } from "../settings";
import { prometheusApiClient } from "./api-auth";
import { REPLICA_LABEL } from "./hosts";
import { RenderOptions, namePrefix } from "./layout";
import { ampRemoteWrite } from "./amp/remote-write";
import { scrapeJobs } from "./scrape-jobs";

interface ScrapeConfig {
  job_name: string;
  scheme?: string;
  tls_config?: { ca_file: string };
  basic_auth?: { username: string; password_file: string };
  static_configs: { targets: string[]; labels?: Record<string, string> }[];
}

/** Series rules write: recording rules name theirs with colons (level:metric:operation), and ALERTS. */
const RECORDED_SERIES = "ALERTS|ALERTS_FOR_STATE|.*:.*";
const AMP_REPLICA_LABEL = "__replica__";

export function prometheusConfig(settings: Settings, options: RenderOptions): string {
  const { docker } = settings;
  const { cluster } = options;
  const auth = options.apiAuth ? prometheusApiClient : {};
  const scrape: ScrapeConfig[] = scrapeJobs(settings, options.peers, cluster).map(({ job, targets, owner, ownerLabels, api, perHost }) => {
    const labels = { ...(ownerLabels ? owner : {}), ...(perHost && cluster ? { host: cluster.replica } : {}) };
    return { job_name: job, ...(api ? auth : {}), static_configs: [{ targets, ...(Object.keys(labels).length > 0 ? { labels } : {}) }] };
  });
  const amp = settings.aws.amp.enabled ? ampRemoteWrite(settings, options.ampEndpoint) : undefined;
  // AMP deduplicates HA replicas by `cluster` and `__replica__` (and drops `__replica__`).
  const replicaLabels = cluster ? (amp ? { cluster: namePrefix(settings), [AMP_REPLICA_LABEL]: cluster.replica } : { [REPLICA_LABEL]: cluster.replica }) : {};
  const config = {
    global: {
      scrape_interval: docker.scrapeInterval,
      evaluation_interval: docker.evaluationInterval,
      external_labels: { environment: settings.environment, ...replicaLabels },
    },
    // Relative to this file, so the same tree works in a container and on loopback.
    rule_files: ["rules/*.yml"],
    // With AMP, AMP evaluates the same rules and alerts: the rules here only feed dashboards, and
    // sending their alerts too would page twice.
    ...(amp
      ? {
          remote_write: [
            {
              url: amp.url,
              sigv4: { region: amp.region },
              // AMP records and alerts itself; the local copies would collide with its series.
              write_relabel_configs: [{ source_labels: ["__name__"], regex: RECORDED_SERIES, action: "drop" }],
            },
          ],
        }
      : {
          alerting: {
            // Replicas send the same alerts; without their replica label the peers see one alert each.
            ...(cluster ? { alert_relabel_configs: [{ action: "labeldrop", regex: REPLICA_LABEL }] } : {}),
            // Every peer, never a load balancer: the peers deduplicate among themselves.
            alertmanagers: [{ ...auth, static_configs: [{ targets: cluster?.alertmanager ?? [options.peers.alertmanager] }] }],
          },
        }),
    scrape_configs: scrape,
  };
  return toYaml(config);
}
