// Synthetic SLI series for promtool tests: a service's request counter and latency histogram,
// built from segments of constant traffic, in promtool's input_series notation.
import { serviceOwner } from "../../../monitoring/scrape-jobs";
import type { ResolvedService } from "../../../settings";
import { labelSet } from "./run";

/** Constant traffic for `steps` scrape intervals; counts are per interval. */
export interface Segment {
  steps: number;
  requests: number;
  /** Requests answered with a 5xx code. */
  errors?: number;
  /** Requests slower than each latency SLO's threshold, by SLO name. */
  slow?: Record<string, number>;
}

export interface InputSeries {
  series: string;
  values: string;
}

/** `le` as Prometheus 2.x (`2`) or 3.x (`2.0`) writes it. */
export type LeSpelling = "2.x" | "3.x";

const le = (threshold: number, spelling: LeSpelling): string =>
  spelling === "3.x" && Number.isInteger(threshold) ? `${threshold}.0` : String(threshold);

/** A counter increasing by perStep(segment) each interval, from 0. */
export function counter(segments: Segment[], perStep: (s: Segment) => number): string {
  let value = 0;
  return segments
    .map((s, i) => {
      const inc = perStep(s);
      const part = i === 0 ? `${value}+${inc}x${s.steps}` : `${value + inc}+${inc}x${s.steps - 1}`;
      value += inc * s.steps;
      return part;
    })
    .join(" ");
}

export interface TrafficOptions {
  spelling?: LeSpelling;
  /** Leave out the request counter, or the bucket of these latency SLOs, to starve an SLI. */
  withoutRequests?: boolean;
  withoutBuckets?: string[];
}

/** The labels a service's scrape job gives every series: its job, and its owner's service, plane and team. */
export const targetLabels = (svc: ResolvedService): string => labelSet({ job: svc.job, ...serviceOwner(svc) }).slice(1, -1);

export function serviceTraffic(svc: ResolvedService, segments: Segment[], opts: TrafficOptions = {}): InputSeries[] {
  const job = targetLabels(svc);
  const { requests, duration } = svc.metrics;
  const out: InputSeries[] = [];
  if (!opts.withoutRequests) {
    out.push({ series: `${requests}{${job},code="200"}`, values: counter(segments, (s) => s.requests - (s.errors ?? 0)) });
    out.push({ series: `${requests}{${job},code="500"}`, values: counter(segments, (s) => s.errors ?? 0) });
  }
  for (const l of svc.slo.latency) {
    if (opts.withoutBuckets?.includes(l.name)) continue;
    const bucket = `${duration}_bucket{${job},le="${le(l.thresholdSeconds, opts.spelling ?? "2.x")}"}`;
    out.push({ series: bucket, values: counter(segments, (s) => s.requests - (s.slow?.[l.name] ?? 0)) });
  }
  out.push({ series: `${duration}_bucket{${job},le="+Inf"}`, values: counter(segments, (s) => s.requests) });
  out.push({ series: `${duration}_count{${job}}`, values: counter(segments, (s) => s.requests) });
  // The target is scraped throughout (up, whatever it answers).
  out.push({ series: `${svc.metrics.up}{${job},instance="${svc.name}:8080"}`, values: `1x${stepsOf(segments)}` });
  return out;
}

/** Scrape intervals covered by the segments. */
export const stepsOf = (segments: Segment[]): number => segments.reduce((n, s) => n + s.steps, 0);

/** Counter series `name{labels}` for any SLI: good and bad events per interval, split by a label (e.g. grpc_code). */
export function counterPair(name: string, labels: string, split: { label: string; good: string; bad: string }, segments: Segment[]): InputSeries[] {
  return [
    { series: `${name}{${labels},${split.label}="${split.good}"}`, values: counter(segments, (s) => s.requests - (s.errors ?? 0)) },
    { series: `${name}{${labels},${split.label}="${split.bad}"}`, values: counter(segments, (s) => s.errors ?? 0) },
  ];
}
