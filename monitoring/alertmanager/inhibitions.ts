// Inhibition: a firing source alert mutes target alerts that share the `equal` labels, so one
// fault pages once instead of through every symptom.
import { BURN_ALERTS, LABELS, SERVICE_ALERTS, SLO_ALERTS, type Category } from "../conventions";
import { equals, oneOf } from "./matchers";

export interface InhibitRule {
  source_matchers: string[];
  target_matchers: string[];
  equal: string[];
}

const SYMPTOMS_OF_DOWN: Category[] = ["errors", "latency"];

/** Alerts on an SLO's SLI with a fixed threshold; each carries the `slo` label of that SLO. */
const THRESHOLD_ALERTS = [SERVICE_ALERTS.criticalErrors, SERVICE_ALERTS.highErrors, SERVICE_ALERTS.highLatency];

/** The inhibit rules; `burnTiers` are the burn-rate tiers fastest first (monitoring/slo/windows.ts burnTiers). */
export function inhibitRules(burnTiers: readonly string[]): InhibitRule[] {
  return [
    // The critical alert already says it all: mute the warning of the same alert and service.
    {
      source_matchers: [equals(LABELS.severity, "critical")],
      target_matchers: [equals(LABELS.severity, "warning")],
      equal: ["alertname", LABELS.service],
    },
    // A service that is down has no meaningful error rate or latency.
    {
      source_matchers: [equals("alertname", SERVICE_ALERTS.down)],
      target_matchers: [oneOf(LABELS.category, SYMPTOMS_OF_DOWN)],
      equal: [LABELS.service],
    },
    // Above the critical error ratio the high-ratio warning says nothing new.
    {
      source_matchers: [equals("alertname", SERVICE_ALERTS.criticalErrors)],
      target_matchers: [equals("alertname", SERVICE_ALERTS.highErrors)],
      equal: [LABELS.service],
    },
    // One page per incident: while an SLO's budget burns fast, the threshold alerts on the same
    // SLI (CriticalErrorRate and HighErrorRate on availability, HighLatency on a latency SLO) add
    // nothing; the burn rate is the page (SRE workbook, Sloth, Pyrra).
    {
      source_matchers: [equals("alertname", BURN_ALERTS.page)],
      target_matchers: [oneOf("alertname", THRESHOLD_ALERTS)],
      equal: [LABELS.service, LABELS.slo],
    },
    // A service that is down has no SLI data: its SLOMetricMissing warnings are the outage itself.
    {
      source_matchers: [equals("alertname", SERVICE_ALERTS.down)],
      target_matchers: [equals("alertname", SLO_ALERTS.noData)],
      equal: [LABELS.service],
    },
    // A faster burn of an SLO covers its slower burns: each tier mutes every slower tier.
    ...burnTiers.slice(0, -1).map((tier, i) => ({
      source_matchers: [equals(LABELS.burnTier, tier)],
      target_matchers: [oneOf(LABELS.burnTier, burnTiers.slice(i + 1))],
      equal: [LABELS.service, LABELS.slo],
    })),
  ];
}
