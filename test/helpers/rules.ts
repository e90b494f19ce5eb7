// Which rendered rule covers a service: its own (a `service` label), or one shared by several
// services that picks them by `service=~"a|b|..."` (monitoring/alerts/service-metrics.ts).
import { escapeRegex } from "../../monitoring/promql";

export function coversService(rule: { labels?: Record<string, string>; expr: string }, service: string): boolean {
  if (rule.labels?.service !== undefined) return rule.labels.service === service;
  return new RegExp(`service=~"(?:[^"]*\\|)?${escapeRegex(service)}(?:\\|[^"]*)?"`).test(rule.expr);
}
