// Inhibition: a firing source alert mutes target alerts that share the `equal` labels, so one
// fault pages once instead of through every symptom.
import { LABELS, type Category } from "../conventions";
import { equals, oneOf } from "./matchers";

export interface InhibitRule {
  source_matchers: string[];
  target_matchers: string[];
  equal: string[];
}

const SYMPTOMS_OF_DOWN: Category[] = ["errors", "latency"];

export function inhibitRules(): InhibitRule[] {
  return [
    // The critical alert already says it all: mute the warning of the same alert and service.
    {
      source_matchers: [equals(LABELS.severity, "critical")],
      target_matchers: [equals(LABELS.severity, "warning")],
      equal: ["alertname", LABELS.service],
    },
    // A service that is down has no meaningful error rate or latency.
    {
      source_matchers: [equals("alertname", "ServiceDown")],
      target_matchers: [oneOf(LABELS.category, SYMPTOMS_OF_DOWN)],
      equal: [LABELS.service],
    },
    // Above the critical error ratio the high-ratio warning says nothing new.
    {
      source_matchers: [equals("alertname", "CriticalErrorRate")],
      target_matchers: [equals("alertname", "HighErrorRate")],
      equal: [LABELS.service],
    },
    // The fast burn of an SLO covers its slow burn.
    {
      source_matchers: [equals("alertname", "ErrorBudgetBurningFast")],
      target_matchers: [equals("alertname", "ErrorBudgetBurningSlow")],
      equal: [LABELS.service, LABELS.slo],
    },
  ];
}
