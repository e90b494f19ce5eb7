// prometheus.yml: global intervals, rule files, Alertmanager, and the scrape jobs of scrape-jobs.ts.
import { stringify } from "yaml";
import type { Settings } from "../settings";
import { RenderOptions } from "./layout";
import { scrapeJobs } from "./scrape-jobs";

interface ScrapeConfig {
  job_name: string;
  static_configs: { targets: string[]; labels?: Record<string, string> }[];
}

export function prometheusConfig(settings: Settings, options: RenderOptions): string {
  const { docker } = settings;
  const scrape: ScrapeConfig[] = scrapeJobs(settings, options.peers).map(({ job, targets, owner, ownerLabels }) => ({
    job_name: job,
    static_configs: [{ targets, ...(ownerLabels ? { labels: owner } : {}) }],
  }));
  const config = {
    global: {
      scrape_interval: docker.scrapeInterval,
      evaluation_interval: docker.evaluationInterval,
      external_labels: { environment: settings.environment },
    },
    // Relative to this file, so the same tree works in a container and on loopback.
    rule_files: ["rules/*.yml"],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [options.peers.alertmanager] }] }] },
    scrape_configs: scrape,
  };
  return stringify(config, { lineWidth: 0 });
}
