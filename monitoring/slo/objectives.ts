// The SLOs of a stack: every service × (availability and each latency objective), each with
// the raw series its SLI reads and the labels its recorded series carry.
import type { ResolvedService, Settings } from "../../settings";
import { AVAILABILITY_SLO, LABELS } from "../conventions";
import { ratioOf, selector } from "./promql";

export interface Slo {
  service: ResolvedService;
  /** The `slo` label: `availability` or the latency SLO's name. */
  name: string;
  /** Objective as a ratio, e.g. 0.999. */
  objective: number;
  /** Error budget as a ratio of events: 1 - objective, e.g. 0.001. */
  budget: number;
  /** Labels every recorded series of this SLO carries. */
  labels: Record<string, string>;
  /** Per-second rates over `window` of all events and of bad events, read from raw counters. */
  requests: (window: string) => string;
  errors: (window: string) => string;
  /** The raw series that must exist for the SLI to be computed at all. */
  signal: string;
}

const escapeRegex = (s: string): string => s.replace(/[.+]/g, (c) => `\\${c}`);

/**
 * Matches a histogram bucket boundary as both Prometheus 2.x (`le="1"`) and 3.x (`le="1.0"`)
 * write it, so one rule file serves both.
 */
export function leRegex(threshold: number): string {
  const plain = String(threshold);
  const spellings = Number.isInteger(threshold) ? [plain, `${plain}.0`] : [plain];
  return spellings.map(escapeRegex).join("|");
}

function sloLabels(service: ResolvedService, name: string): Record<string, string> {
  const labels: Record<string, string> = { [LABELS.service]: service.name, [LABELS.plane]: service.plane, [LABELS.slo]: name };
  if (service.team) labels[LABELS.team] = service.team;
  return labels;
}

const sumRate = (series: string, window: string): string => `sum(rate(${series}[${window}]))`;

function availabilitySlo(service: ResolvedService): Slo {
  const { requests, errorCodes } = service.metrics;
  const all = selector(requests, { job: service.job });
  const bad = selector(requests, { job: service.job }, { code: errorCodes });
  const objective = service.slo.availability.objective;
  return {
    service,
    name: AVAILABILITY_SLO,
    objective: ratioOf(objective),
    budget: ratioOf(100 - objective),
    labels: sloLabels(service, AVAILABILITY_SLO),
    requests: (w) => sumRate(all, w),
    // A service that never answered with an error code has no error series at all: count 0.
    errors: (w) => `${sumRate(bad, w)} or (0 * ${sumRate(all, w)})`,
    signal: all,
  };
}

function latencySlos(service: ResolvedService): Slo[] {
  const { duration } = service.metrics;
  const count = selector(`${duration}_count`, { job: service.job });
  return service.slo.latency.map((l) => {
    const fast = selector(`${duration}_bucket`, { job: service.job }, { le: leRegex(l.thresholdSeconds) });
    return {
      service,
      name: l.name,
      objective: ratioOf(l.objective),
      budget: ratioOf(100 - l.objective),
      labels: sloLabels(service, l.name),
      requests: (w) => sumRate(count, w),
      errors: (w) => `${sumRate(count, w)} - ${sumRate(fast, w)}`,
      // No bucket at the threshold (wrong threshold, or no histogram) must not read as "all fast".
      signal: fast,
    };
  });
}

export function slosOf(settings: Settings): Slo[] {
  return settings.services.flatMap((svc) => [availabilitySlo(svc), ...latencySlos(svc)]);
}
