// Every scrape job of prometheus.yml, with who owns it. prometheus.yml is written from this
// list and the availability/target alerts watch the same list, so they cannot drift apart.
import type { Settings } from "../settings";
import { INFRA_PLANE, SELF_JOBS } from "./conventions";
import { ClusterPeers, isHa } from "./hosts";
import { DOCKER_PEERS, Peers } from "./layout";

export interface ScrapeJob {
  job: string;
  targets: string[];
  /** Who the job's alerts belong to; service jobs also attach it as target labels. */
  owner: { plane: string; service: string; team?: string };
  /** Whether the owner is attached to every scraped series as target labels. */
  ownerLabels: boolean;
  /** The name of the job's `up` metric. */
  up: string;
  /** Watched by ServiceDown and TargetMissing; Prometheus's own job is not (the Watchdog covers it). */
  watched: boolean;
  /** Prometheus or Alertmanager: scraped with the API credentials when the APIs require them. */
  api?: boolean;
  /** An exporter of the host the replica runs on (HA: labelled with that host). */
  perHost?: boolean;
}

/**
 * The labels a service's scrape job attaches to every series it scrapes: who owns its alerts,
 * and what the SLO rules shared by several services sum by (monitoring/slo/objectives.ts).
 */
export const serviceOwner = (svc: { name: string; plane: string; team?: string }): { plane: string; service: string; team?: string } => ({
  plane: svc.plane,
  service: svc.name,
  ...(svc.team ? { team: svc.team } : {}),
});

/** Exporters of shared infrastructure scraped at addresses from settings.exporterTargets. */
export const EXPORTER_JOBS = { postgres: "postgres-exporter", redis: "redis-exporter" } as const;

export function scrapeJobs(settings: Settings, peers: Peers = DOCKER_PEERS, cluster?: ClusterPeers): ScrapeJob[] {
  const infra = (job: string, targets: string[], service = job, watched = true): ScrapeJob => ({
    job,
    targets,
    owner: { plane: INFRA_PLANE, service },
    ownerLabels: false,
    up: "up",
    watched,
  });
  // HA: every replica scrapes every replica and peer; one of them down is a warning
  // (PrometheusReplicaDown, AlertmanagerPeerDown), not a page, while the others carry on.
  const ha = isHa(settings);
  const jobs: ScrapeJob[] = [{ ...infra(SELF_JOBS.prometheus, cluster?.prometheus ?? [peers.prometheus], SELF_JOBS.prometheus, false), api: true }];
  // With AMP, its Alertmanager sends: the stack runs none.
  if (!settings.aws.amp.enabled) jobs.push({ ...infra(SELF_JOBS.alertmanager, cluster?.alertmanager ?? [peers.alertmanager], SELF_JOBS.alertmanager, !ha), api: true });
  if (settings.docker.exporters.nodeExporter) jobs.push({ ...infra(SELF_JOBS.nodeExporter, [peers.nodeExporter]), perHost: true });
  if (settings.docker.exporters.cadvisor) jobs.push({ ...infra(SELF_JOBS.cadvisor, [peers.cadvisor]), perHost: true });
  for (const [kind, job] of Object.entries(EXPORTER_JOBS) as [keyof typeof EXPORTER_JOBS, string][]) {
    const targets = settings.exporterTargets[kind];
    if (targets.length > 0) jobs.push(infra(job, [...targets], kind));
  }
  for (const svc of settings.services) {
    if (svc.targets.length === 0) continue;
    jobs.push({ job: svc.job, targets: [...svc.targets], owner: serviceOwner(svc), ownerLabels: true, up: svc.metrics.up, watched: true });
  }
  return jobs;
}
