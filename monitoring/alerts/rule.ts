// One alerting rule as Prometheus reads it, and the builder that gives every alert the same
// labels (severity, plane, service, category, team) and annotations (summary, description,
// runbook_url).
import type { Settings, Severity } from "../../settings";
import { Category, INFRA_PLANE, LABELS, runbookUrl } from "../conventions";
import { durationSeconds } from "../duration";

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels: Record<string, string>;
  annotations: { summary: string; description: string; runbook_url: string };
}

/** Who an alert belongs to: the labels the rule sets; those left out come from the series. */
export interface Owner {
  plane?: string;
  service?: string;
  team?: string;
}

export interface AlertSpec {
  alert: string;
  severity: Severity;
  category: Category;
  owner: Owner;
  expr: string;
  for?: string;
  /** Stays firing this long after its condition clears (Prometheus 2.42+). */
  keepFiringFor?: string;
  /** Further static labels, e.g. the latency SLO an alert is about. */
  labels?: Record<string, string>;
  summary: string;
  /** Go template text; `{{ $value }}` and `{{ $labels.x }}` are filled in by Prometheus. */
  description: string;
}

export type AlertGenerator = (settings: Settings) => AlertSpec[];

/** Shared infrastructure: plane `infra`, service the component (postgres, redis, host, ...). */
export const infraOwner = (component?: string): Owner => ({ plane: INFRA_PLANE, service: component });

export function alertRule(settings: Settings, spec: AlertSpec): AlertRule {
  const labels: Record<string, string> = { [LABELS.severity]: spec.severity, [LABELS.category]: spec.category };
  if (spec.owner.plane) labels[LABELS.plane] = spec.owner.plane;
  if (spec.owner.service) labels[LABELS.service] = spec.owner.service;
  if (spec.owner.team) labels[LABELS.team] = spec.owner.team;
  Object.assign(labels, spec.labels);
  return {
    alert: spec.alert,
    expr: spec.expr,
    // `for: 0s` is the default; leaving it out keeps the rendered rule short.
    ...(spec.for && durationSeconds(spec.for) > 0 ? { for: spec.for } : {}),
    // vmalert (VictoriaMetrics 1.79) refuses the field: there the alert resolves once its condition clears.
    ...(spec.keepFiringFor && settings.rules.engine === "prometheus" ? { keep_firing_for: spec.keepFiringFor } : {}),
    labels,
    annotations: { summary: spec.summary, description: spec.description, runbook_url: runbookUrl(settings, spec.alert) },
  };
}

/** A ratio as a percentage for people: 0.07 → "7%" (no binary-float tail). */
export const percent = (ratio: number): string => `${Number((ratio * 100).toPrecision(6))}%`;
