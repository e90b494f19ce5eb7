// prometheus/rules/slos.yml: SLO recording rules, burn-rate alerts and the error budget policy.
import { toYaml } from "../yaml";
import type { Settings } from "../../settings";
import { budgetPolicyAlerts, burnRateAlerts, inHistoryGroup, noDataAlerts } from "./alerts";
import { ruleSlosOf } from "./objectives";
import { historyRules, maintenanceRules, planeHistoryRules, planeRawRules, planesOf, rawRules } from "./recording";
import { AlertingRule, RecordingRule, RuleGroup } from "./rule-types";
import { GroupOfRuns, sizedGroups } from "../rule-groups";
import { HISTORY_INTERVAL } from "./windows";

/** Group names; prometheus.yml-independent, so tests and the bench can pick a group. */
export const SLO_GROUPS = { fast: "slo-sli", history: "slo-history", alerts: "slo-alerts" } as const;

/**
 * Groups in dependency order. promtool evaluates every group at every step, in file order;
 * Prometheus runs each on its own interval (the history every HISTORY_INTERVAL), reading what
 * another group wrote at most one interval late.
 */
export function sloRuleGroups(settings: Settings): RuleGroup[] {
  const slos = ruleSlosOf(settings);
  const planes = planesOf(settings);
  // An alert reading only history series is evaluated with its SLO's, on fresh values.
  const burns = slos.flatMap((slo) => (["page", "ticket"] as const).flatMap((kind) => burnRateAlerts(settings, slo, kind).map(({ rule, pair }) => ({ rule, slo, history: inHistoryGroup(pair) }))));
  const alone = <R>(rules: R[]): R[][] => rules.map((r) => [r]);
  const groups: GroupOfRuns<RecordingRule | AlertingRule>[] = [
    {
      name: SLO_GROUPS.fast,
      runs: [...slos.map((slo) => rawRules(settings, [slo])), ...alone([...planes.flatMap((p) => planeRawRules(p)), ...maintenanceRules(settings)])],
    },
    {
      name: SLO_GROUPS.history,
      interval: HISTORY_INTERVAL,
      runs: [
        ...slos.map((slo) => [...historyRules(settings, [slo]), ...burns.filter((b) => b.history && b.slo === slo).map((b) => b.rule)]),
        ...alone([...planes.flatMap((p) => planeHistoryRules(p)), ...budgetPolicyAlerts(settings)]),
      ],
    },
    {
      name: SLO_GROUPS.alerts,
      runs: alone([...burns.filter((b) => !b.history).map((b) => b.rule), ...noDataAlerts(settings, slos)]),
    },
  ];
  return sizedGroups(groups, settings.rules.maxRulesPerGroup);
}

export function sloRules(settings: Settings): string {
  return toYaml({ groups: sloRuleGroups(settings) });
}
