// The SLIs: one definition per kind, read by the SLO rules and by the service alerts alike
// (HighErrorRate and CriticalErrorRate use the HTTP availability SLI, HighLatency a latency
// SLI's histogram). Every SLI gives per-second rates of bad and of all events over a window.
import type { ResolvedService } from "../../settings";
import { instantiate } from "../../settings/promql";
import { LABELS } from "../conventions";
import { durationSeconds } from "../duration";
import { escapeRegex, offsetOf, ratioOf, selector, stepsWithin } from "../promql";

export interface Sli {
  /** Per-second rate of bad events over `window` (ending `offset` ago), one series per job for HTTP SLIs. */
  errors(window: string, offset?: string): string;
  /** The same, but empty where there are no bad-event series at all (the caller fills in 0 from what it has already read). */
  bad(window: string): string;
  /** Per-second rate of all events over `window`. */
  total(window: string, offset?: string): string;
  /** An expression that is empty when the SLI has no data at all (the SLOMetricMissing alert). */
  signal: string;
  /**
   * For counters the stack names, so that a long window may read them on a grid (`rate(x[3d:5m])`):
   * the events since the newest grid point of `step`, as the counters stood `offset` ago
   * (a counter reset since that point loses them). An events SLI's queries are the stack file's
   * own: it has none, and is read over the window as its queries are written.
   */
  grid?: { bad(step: string, offset?: string): string; total(step: string, offset?: string): string };
  /** Bad or all events in the `step` ending at the evaluation instant: what a maintenance window takes out of a window, step by step. */
  stepEvents(kind: "bad" | "all", step: string): string;
  /** Its events are time slices, not requests: a slice is already an aggregate, so a page needs no minimum of them. */
  slices?: true;
}

export interface HistogramSli extends Sli {
  /** The q-quantile of the histogram over `window`. */
  quantile(q: number, window: string): string;
}

/**
 * Whose series an SLI reads and what its rates are summed by: one service's scrape job, or
 * several services by the `service` label their scrape jobs attach (one rule for them all).
 */
export interface SliTarget {
  equal: Record<string, string>;
  regex: Record<string, string>;
  by: string[];
}

export const jobTarget = (service: ResolvedService): SliTarget => ({ equal: { job: service.job }, regex: {}, by: ["job"] });
export const servicesTarget = (services: readonly ResolvedService[]): SliTarget => ({
  equal: {},
  regex: { [LABELS.service]: services.map((s) => escapeRegex(s.name)).join("|") },
  by: [LABELS.service, LABELS.plane, LABELS.team],
});

const range = (window: string, offset?: string) => `[${window}]${offsetOf(offset)}`;
/** Per-second rate of a selector over a window, summed by the target's labels. */
const rateOf = (t: SliTarget) => (series: string, window: string, offset?: string) => `sum by (${t.by.join(", ")}) (rate(${series}${range(window, offset)}))`;
/** A selector's increase over the `step` ending at the evaluation instant (a reset in it loses the step), summed by the target's labels. */
const stepOf = (t: SliTarget) => (series: string, step: string) => `sum by (${t.by.join(", ")}) (clamp_min(${series} - ${series} offset ${step}, 0))`;
/** A selector's increase since the newest grid point of `step` (each counter's value then, from its subquery sample), summed by the target's labels. */
const sinceOf = (t: SliTarget) => (series: string, step: string, offset?: string) =>
  `sum by (${t.by.join(", ")}) (clamp_min(${series}${offsetOf(offset)} - last_over_time(${series}[${step}:${step}]${offsetOf(offset)}), 0))`;
/** A metric's series of the target, with further matchers. */
export const targetSelector = (t: SliTarget, metric: string, regex: Record<string, string> = {}, extra?: string): string =>
  selector(metric, t.equal, { ...t.regex, ...regex }, extra);

/** Requests without an error code, out of all requests (the reference's availability SLO). */
export function httpAvailability(metrics: { requests: string; errorCodes: string }, t: SliTarget): Sli {
  const [sumRate, since] = [rateOf(t), sinceOf(t)];
  const all = targetSelector(t, metrics.requests);
  const bad = targetSelector(t, metrics.requests, { code: metrics.errorCodes });
  return {
    total: (w, o) => sumRate(all, w, o),
    // A service that never answered with an error code has no error series at all: count 0.
    errors: (w, o) => `${sumRate(bad, w, o)} or (0 * ${sumRate(all, w, o)})`,
    bad: (w) => sumRate(bad, w),
    signal: all,
    grid: { bad: (step, o) => since(bad, step, o), total: (step, o) => since(all, step, o) },
    stepEvents: (kind, step) => stepOf(t)(kind === "bad" ? bad : all, step),
  };
}

/**
 * Matches a histogram bucket boundary as both Prometheus 2.x (`le="1"`) and 3.x (`le="1.0"`)
 * write it, so one rule file serves both.
 */
export function leRegex(threshold: number): string {
  const plain = String(threshold);
  const spellings = Number.isInteger(threshold) ? [plain, `${plain}.0`] : [plain];
  return spellings.map(escapeRegex).join("|");
}

/** Events slower than the threshold, out of all events a histogram counts. */
export function histogramLatency(l: { metric: string; selector?: string; thresholdSeconds: number }, t: SliTarget): HistogramSli {
  const [sumRate, since] = [rateOf(t), sinceOf(t)];
  const count = targetSelector(t, `${l.metric}_count`, {}, l.selector);
  const fast = targetSelector(t, `${l.metric}_bucket`, { le: leRegex(l.thresholdSeconds) }, l.selector);
  const buckets = targetSelector(t, `${l.metric}_bucket`, {}, l.selector);
  const slow = (w: string, o?: string) => `${sumRate(count, w, o)} - ${sumRate(fast, w, o)}`;
  return {
    total: (w, o) => sumRate(count, w, o),
    errors: slow,
    bad: (w) => slow(w),
    // No bucket at the threshold (wrong threshold, or no histogram) must not read as "all fast".
    signal: fast,
    grid: { bad: (step, o) => `${since(count, step, o)} - ${since(fast, step, o)}`, total: (step, o) => since(count, step, o) },
    stepEvents: (kind, step) => (kind === "bad" ? `${stepOf(t)(count, step)} - ${stepOf(t)(fast, step)}` : stepOf(t)(count, step)),
    // histogram_quantile reads `le` as a number, so 2.x "1" and 3.x "1.0" both work.
    quantile: (q, w) => `histogram_quantile(${q}, sum by (${[...t.by, "le"].join(", ")}) (rate(${buckets}[${w}])))`,
  };
}

/** Any pair of PromQL rates the stack file gives, with {{window}} for the rate window. */
export function eventsSli(e: { errors: string; total: string }): Sli {
  const at = (query: string, w: string, o?: string) => {
    if (o) throw new Error("events SLIs take no offset");
    return `sum(${instantiate(query, w)})`;
  };
  return {
    errors: (w, o) => at(e.errors, w, o),
    bad: (w) => at(e.errors, w, undefined),
    total: (w, o) => at(e.total, w, o),
    signal: `sum(${instantiate(e.total, "5m")})`,
    stepEvents: (kind, step) => `${at(kind === "bad" ? e.errors : e.total, step)} * ${durationSeconds(step)}`,
  };
}

/** The bad time slices and all of them, over a window, as per-second rates like any SLI's. */
export function timesliceSli(
  metrics: { up: string; requests: string; errorCodes: string; duration: string },
  t: { slice: string; good: { availability: number } | { latency: { quantile: number; thresholdSeconds: number; metric?: string; selector?: string } } },
  target: SliTarget,
): Sli {
  const by = target.by.join(", ");
  const up = targetSelector(target, metrics.up);
  let failing: string;
  let signal: string;
  if ("availability" in t.good) {
    const http = httpAvailability(metrics, target);
    failing = `(${http.errors(t.slice)}) / ${http.total(t.slice)} > ${ratioOf(100 - t.good.availability)}`;
    signal = http.signal;
  } else {
    const l = t.good.latency;
    const h = histogramLatency({ metric: l.metric ?? metrics.duration, selector: l.selector, thresholdSeconds: l.thresholdSeconds }, target);
    failing = `${h.quantile(l.quantile, t.slice)} > ${l.thresholdSeconds}`;
    // The quantile needs no bucket at the threshold: the histogram's count says whether it is there.
    signal = targetSelector(target, `${l.metric ?? metrics.duration}_count`, {}, l.selector);
  }
  // A slice is bad when its condition failed or the target was down at its end; every slice of a scraped target counts.
  const bad = `(${failing}) or on (${by}) group by (${by}) (${up} == 0)`;
  const all = `group by (${by}) (${up})`;
  // The slices ending inside the window.
  const count = (expr: string, w: string) => `count_over_time((${expr})${stepsWithin(durationSeconds(w), t.slice)})`;
  const rate = (expr: string, w: string) => `${count(expr, w)} / ${durationSeconds(w)}`;
  const noOffset = (o?: string) => {
    if (o) throw new Error("time-slice SLIs take no offset");
  };
  return {
    total: (w, o) => {
      noOffset(o);
      return rate(all, w);
    },
    errors: (w, o) => {
      noOffset(o);
      return `${rate(bad, w)} or (0 * ${rate(all, w)})`;
    },
    bad: (w) => rate(bad, w),
    signal,
    stepEvents: (kind, step) => count(kind === "bad" ? bad : all, step),
    slices: true,
  };
}
