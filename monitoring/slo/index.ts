// prometheus/rules/slos.yml: SLO recording rules, burn-rate alerts and the error budget policy.
import { stringify } from "yaml";
import type { Settings } from "../../settings";
import { budgetPolicyAlerts, burnRateAlerts, noDataAlerts } from "./alerts";
import { slosOf } from "./objectives";
import { budgetRemainingRule, derivedRateRules, objectiveRules, planeRules, planesOf, ratioRules, rawRateRules } from "./recording";
import { RuleGroup } from "./rule-types";
import { DERIVED_INTERVAL, derivedWindows, RAW_WINDOWS } from "./windows";

/**
 * Groups in dependency order (promtool evaluates them in file order; Prometheus reads the
 * previous cycle's values across groups, which costs at most one interval of lag).
 */
export function sloRuleGroups(settings: Settings): RuleGroup[] {
  const slos = slosOf(settings);
  const planes = planesOf(settings);
  const derived = derivedWindows(settings);
  return [
    {
      name: "slo-sli-short-windows",
      rules: [
        ...objectiveRules(slos),
        ...rawRateRules(slos),
        ...RAW_WINDOWS.flatMap((w) => [...ratioRules(w), ...planes.flatMap((p) => planeRules(p, w))]),
      ],
    },
    {
      name: "slo-sli-long-windows",
      interval: DERIVED_INTERVAL,
      rules: [
        ...derived.flatMap((d) => [...derivedRateRules(d), ...ratioRules(d.window), ...planes.flatMap((p) => planeRules(p, d.window))]),
        budgetRemainingRule(),
      ],
    },
    {
      name: "slo-alerts",
      rules: [...burnRateAlerts(settings), ...budgetPolicyAlerts(settings), ...noDataAlerts(settings, slos)],
    },
  ];
}

export function sloRules(settings: Settings): string {
  return stringify({ groups: sloRuleGroups(settings) }, { lineWidth: 0, aliasDuplicateObjects: false });
}
