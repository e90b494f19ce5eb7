// prometheus.yml: global intervals, rule files, Alertmanager, and one scrape job per service.
import { stringify } from "yaml";
import type { Settings } from "../settings";
import { SELF_JOBS } from "./conventions";
import { RenderOptions } from "./layout";

interface ScrapeConfig {
  job_name: string;
  static_configs: { targets: string[]; labels?: Record<string, string> }[];
}

export function prometheusConfig(settings: Settings, options: RenderOptions): string {
  const { docker } = settings;
  const peers = options.peers;
  const scrape: ScrapeConfig[] = [
    { job_name: SELF_JOBS.prometheus, static_configs: [{ targets: [peers.prometheus] }] },
    { job_name: SELF_JOBS.alertmanager, static_configs: [{ targets: [peers.alertmanager] }] },
  ];
  if (docker.exporters.nodeExporter) scrape.push({ job_name: SELF_JOBS.nodeExporter, static_configs: [{ targets: [peers.nodeExporter] }] });
  if (docker.exporters.cadvisor) scrape.push({ job_name: SELF_JOBS.cadvisor, static_configs: [{ targets: [peers.cadvisor] }] });
  for (const svc of settings.services) {
    if (svc.targets.length === 0) continue;
    const labels: Record<string, string> = { service: svc.name, plane: svc.plane };
    if (svc.team) labels.team = svc.team;
    scrape.push({ job_name: svc.job, static_configs: [{ targets: [...svc.targets], labels }] });
  }
  const config = {
    global: {
      scrape_interval: docker.scrapeInterval,
      evaluation_interval: docker.evaluationInterval,
      external_labels: { environment: settings.environment },
    },
    // Relative to this file, so the same tree works in a container and on loopback.
    rule_files: ["rules/*.yml"],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [peers.alertmanager] }] }] },
    scrape_configs: scrape,
  };
  return stringify(config, { lineWidth: 0 });
}
