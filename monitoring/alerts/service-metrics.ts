// What the service alerts watch and the PromQL they read. The error-rate and deployment alerts
// read the HTTP availability SLI (monitoring/slo/sli.ts), HighLatency each latency SLO's
// histogram, ServiceDown and its kin the scrape jobs' `up`. Services scraped here that share
// what an alert reads share its rule: it selects them by the `service` label their scrape jobs
// attach and takes service, plane and team from the series, so each alert carries the labels a
// rule of its own would give it, and the rule set does not grow with the services. A service
// scraped elsewhere, and each shared exporter, keeps rules of its own, by job.
import type { ResolvedService, Settings } from "../../settings";
import { LABELS } from "../conventions";
import { selector } from "../promql";
import { scrapeJobs, serviceOwner } from "../scrape-jobs";
import { silenced } from "../maintenance";
import { shareBy } from "../sharing";
import { histogramLatency, httpAvailability, jobTarget, servicesTarget, SliTarget, targetSelector } from "../slo/sli";
import type { Owner } from "./rule";

/** The rate window of the error and latency alerts. */
export const RATE_WINDOW = "5m";

/** What one rule watches: one job, or every service scraped here that shares what the rule reads. */
export interface Watched {
  /** The services, when the rule is theirs (ServiceDown's of an exporter has none). */
  services: ResolvedService[];
  /** The alert's static owner labels: none when the series carry them. */
  owner: Owner;
  /** Whose series the rule reads, and what its sums keep (always the job, as a rule of its own would). */
  target: SliTarget;
  /** The service and its job as the alert's text names them (a template when the rule has several). */
  name: string;
  job: string;
  /** Every job with the labels its series carry that `absent` can return (TargetMissing). */
  jobs: Record<string, string>[];
  /** An alert expression of the rule, silent for its services inside a maintenance window with `silence: all`. */
  quiet(expr: string): string;
}

const TEMPLATE = { name: `{{ $labels.${LABELS.service} }}`, job: "{{ $labels.job }}" };

function alone(svc: ResolvedService): Watched {
  return { services: [svc], owner: serviceOwner(svc), target: jobTarget(svc), name: svc.name, job: svc.job, jobs: [{ job: svc.job }], quiet: (e) => silenced(e, [svc], "all", false) };
}

function shared(services: ResolvedService[]): Watched {
  const t = servicesTarget(services);
  return {
    services,
    owner: {},
    target: { ...t, by: ["job", ...t.by] },
    ...TEMPLATE,
    jobs: services.map((s) => ({ job: s.job, ...serviceOwner(s) })),
    quiet: (e) => silenced(e, services, "all", true),
  };
}

/**
 * Items of services (a service, or a service's SLO) grouped by what an alert reads (`key`):
 * those of services scraped here that share it in one, each of a service scraped elsewhere alone.
 */
export function watchedBy<T>(items: readonly T[], serviceOf: (item: T) => ResolvedService, key: (item: T) => string): { first: T; watched: Watched }[] {
  const scrapedHere = (item: T) => serviceOf(item).targets.length > 0;
  return shareBy(items, (item) => (scrapedHere(item) ? key(item) : undefined)).map((group) => ({
    first: group[0],
    watched: scrapedHere(group[0]) ? shared(group.map(serviceOf)) : alone(serviceOf(group[0])),
  }));
}

const watchedServices = (services: readonly ResolvedService[], key: (s: ResolvedService) => string): Watched[] =>
  watchedBy(services, (s) => s, key).map((x) => x.watched);

/** Every watched scrape job with its `up` metric: the exporters one by one, the services scraped here shared by their `up` metric's name. */
export function watchedJobs(settings: Settings): { up: string; watched: Watched }[] {
  const exporters = scrapeJobs(settings)
    .filter((j) => j.watched && !j.ownerLabels)
    .map(({ job, owner, up }) => ({ up, watched: { services: [], owner, target: { equal: { job }, regex: {}, by: ["job"] }, name: owner.service, job, jobs: [{ job }], quiet: (e: string) => e } }));
  const services = watchedServices(
    settings.services.filter((s) => s.targets.length > 0),
    (s) => s.metrics.up,
  ).map((watched) => ({ up: watched.services[0].metrics.up, watched }));
  return [...exporters, ...services];
}

/** Present while none of the watched jobs has an `up` series: one series per missing job, with its labels. */
export const missing = (up: string, w: Watched): string => w.jobs.map((labels) => `absent(${selector(up, labels)})`).join(" or ");

/** Share of the services' requests answered with an error code, over `window` (ending `offset` ago), per job. */
export function errorRatio(w: Watched, window = RATE_WINDOW, offset?: string): string {
  const sli = httpAvailability(w.services[0].metrics, w.target);
  return `(${sli.errors(window, offset)}) / ${sli.total(window, offset)}`;
}

/** The q-quantile of a latency SLO's histogram, per job. */
export const latencyQuantile = (w: Watched, slo: ResolvedService["slo"]["latency"][number], q: number): string =>
  histogramLatency(slo, w.target).quantile(q, RATE_WINDOW);

/** Services whose HTTP request metrics the error and deployment alerts read, grouped by those metrics. */
export const httpServices = (services: readonly ResolvedService[]): Watched[] =>
  watchedServices(
    services.filter((s) => s.slo.availability !== false),
    (s) => `${s.metrics.requests}|${s.metrics.errorCodes}`,
  );

/** Newest start time of the jobs' processes (the client libraries' standard metric). */
export const newestProcessStart = (w: Watched): string => `max by (job) (${targetSelector(w.target, "process_start_time_seconds")})`;
