// Human-readable lines for an alarm's metric and threshold, shared by both forwarders.
import { Alarm, MetricRef } from "./alarm";

const OPERATORS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: ">=",
  GreaterThanThreshold: ">",
  LessThanThreshold: "<",
  LessThanOrEqualToThreshold: "<=",
  LessThanLowerOrGreaterThanUpperThreshold: "outside the band",
  LessThanLowerThreshold: "below the band",
  GreaterThanUpperThreshold: "above the band",
};

export const dimensionsText = (m: MetricRef): string => m.dimensions.map((d) => `${d.name}=${d.value}`).join(", ");

export function metricRefText(m: MetricRef): string {
  const dims = dimensionsText(m);
  const how = [m.stat, m.period !== undefined ? `${m.period}s` : undefined].filter(Boolean).join(" over ");
  return `${[m.namespace, m.name].filter(Boolean).join(" ")}${dims ? ` [${dims}]` : ""}${how ? ` (${how})` : ""}`;
}

/** `e1 = m1*1 "Label" where m1 = AWS/EC2 NetworkOut [...]`, or the single metric. */
export function metricText(a: Alarm): string | undefined {
  const refs = a.metrics.map((m) => (m.id ? `${m.id} = ${metricRefText(m)}` : metricRefText(m)));
  if (!a.expression) return refs.length > 0 ? refs.join("; ") : undefined;
  const e = a.expression;
  const head = `${e.id ? `${e.id} = ` : ""}${e.expression}${e.label ? ` "${e.label}"` : ""}`;
  return refs.length > 0 ? `${head} where ${refs.join("; ")}` : head;
}

/** `> 0 for 1 of 1 periods of 60s` */
export function thresholdText(a: Alarm): string | undefined {
  const t = a.threshold;
  if (!t) return undefined;
  const op = OPERATORS[t.operator] ?? t.operator;
  const against = t.bandId ? ` ${t.bandId}` : t.value !== undefined ? ` ${t.value}` : "";
  const periods = t.evaluationPeriods;
  const of = periods !== undefined ? ` for ${t.datapointsToAlarm ?? periods} of ${periods} periods` : "";
  const period = periods !== undefined && t.period !== undefined ? ` of ${t.period}s` : "";
  return `${op}${against}${of}${period}`;
}

/** The affected resources, from the dimensions of every metric (deduplicated). */
export const resourcesText = (a: Alarm): string | undefined => unique(a.metrics.map(dimensionsText)).join("; ") || undefined;
export const namespacesText = (a: Alarm): string | undefined => unique(a.metrics.map((m) => m.namespace)).join(", ") || undefined;
export const metricNamesText = (a: Alarm): string | undefined => unique(a.metrics.map((m) => m.name)).join(", ") || undefined;

const unique = (values: string[]): string[] => [...new Set(values.filter((v) => v !== ""))];
