// The critical and warning alerts: one generator per category, rendered into two rule files
// (critical.yml pages people; warnings.yml holds warning and info alerts, the Watchdog among them).
import type { Settings } from "../../settings";
import { CATEGORIES, RULE_FILES } from "../conventions";
import { availabilityAlerts } from "./availability";
import { cacheAlerts } from "./cache";
import { databaseAlerts } from "./database";
import { deploymentAlerts } from "./deployment";
import { errorAlerts } from "./errors";
import { infrastructureAlerts } from "./infrastructure";
import { latencyAlerts } from "./latency";
import { monitoringAlerts } from "./monitoring";
import { AlertRule, AlertSpec, alertRule } from "./rule";
import { Group, sizedGroups } from "../rule-groups";

export type { AlertRule } from "./rule";

const GENERATORS = [
  availabilityAlerts,
  errorAlerts,
  latencyAlerts,
  databaseAlerts,
  cacheAlerts,
  infrastructureAlerts,
  deploymentAlerts,
  monitoringAlerts,
];

export type AlertRuleFile = typeof RULE_FILES.critical | typeof RULE_FILES.warnings;

const fileOf = (spec: AlertSpec): AlertRuleFile => (spec.severity === "critical" ? RULE_FILES.critical : RULE_FILES.warnings);

/** Rule groups of one file: one group per category, in the order of CATEGORIES, sized for the engine. */
function groups(settings: Settings, specs: AlertSpec[], file: AlertRuleFile): Group<AlertRule>[] {
  const byCategory = CATEGORIES.map((category) => ({
    name: `${file}-${category}`,
    runs: specs.filter((s) => s.category === category).map((s): AlertRule[] => [alertRule(settings, s)]),
  })).filter((g) => g.runs.length > 0);
  return sizedGroups(byCategory, settings.rules.maxRulesPerGroup);
}

/** Rule file name (see RULE_FILES) → its groups. */
export function alertRuleGroups(settings: Settings): Record<AlertRuleFile, Group<AlertRule>[]> {
  const specs = GENERATORS.flatMap((generate) => generate(settings));
  const of = (file: AlertRuleFile) => groups(settings, specs.filter((s) => fileOf(s) === file), file);
  return { [RULE_FILES.critical]: of(RULE_FILES.critical), [RULE_FILES.warnings]: of(RULE_FILES.warnings) };
}
