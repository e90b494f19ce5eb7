// Rule groups sized for the engines that evaluate them (settings rules.maxRulesPerGroup and
// rules.maxGroups: Grafana Mimir's ruler takes 20 rules per group and 70 groups per tenant by
// default). A group over the size is cut into consecutive parts `<name>-1`, `<name>-2`, ...
// Rules keep their order, and the rules of one SLO (consecutive, with the same service and slo
// labels) stay in one part: each reads the ones before it in the same evaluation. Every other
// reader reads what another group wrote at its last evaluation, as rules of different groups
// always do.
import { PROJECT, SettingsError } from "../settings";
import { LABELS } from "./conventions";

interface Rule {
  labels?: Record<string, string>;
}

export interface Group<R extends Rule> {
  name: string;
  interval?: string;
  rules: R[];
}

const SOURCE = "the rule files the settings render";

/** The SLO a rule belongs to, or undefined (a roll-up, an alert of no SLO). */
const sloOf = (rule: Rule): string | undefined =>
  rule.labels?.[LABELS.service] !== undefined && rule.labels[LABELS.slo] !== undefined ? `${rule.labels[LABELS.service]}\u0000${rule.labels[LABELS.slo]}` : undefined;

/** Runs of rules that must share a group: consecutive rules of one SLO, every other rule alone. */
function units<R extends Rule>(rules: R[]): R[][] {
  const out: R[][] = [];
  rules.forEach((rule, i) => {
    const slo = sloOf(rule);
    if (slo !== undefined && i > 0 && sloOf(rules[i - 1]) === slo) out[out.length - 1].push(rule);
    else out.push([rule]);
  });
  return out;
}

/** The groups with none over `maxRules` rules. */
export function sizedGroups<R extends Rule>(groups: Group<R>[], maxRules: number): Group<R>[] {
  return groups.flatMap((group) => {
    if (group.rules.length <= maxRules) return [group];
    const parts: R[][] = [];
    for (const unit of units(group.rules)) {
      if (unit.length > maxRules) {
        const message = `must be at least ${unit.length}: the ${unit.length} rules of one SLO in group ${group.name} read one another and must share a group`;
        throw new SettingsError(SOURCE, [{ code: "rules", key: `${PROJECT}:rules.maxRulesPerGroup`, value: maxRules, message }]);
      }
      const last = parts.at(-1);
      if (last && last.length + unit.length <= maxRules) last.push(...unit);
      else parts.push([...unit]);
    }
    return parts.map((rules, i) => ({ ...group, name: `${group.name}-${i + 1}`, rules }));
  });
}

/** Refuses more groups than the engine takes, before anything is deployed. */
export function checkGroupCount(files: Record<string, Group<Rule>[]>, settings: { maxGroups: number; maxRulesPerGroup: number }): void {
  const count = Object.values(files).reduce((n, groups) => n + groups.length, 0);
  if (count <= settings.maxGroups) return;
  const message =
    `must be at least ${count} if the engine takes that many groups (Mimir: -ruler.max-rule-groups-per-tenant): the rules need ${count} groups of at most ` +
    `${settings.maxRulesPerGroup} rules (${Object.entries(files).map(([f, g]) => `${f}: ${g.length}`).join(", ")}); or the stack needs fewer services or SLOs`;
  throw new SettingsError(SOURCE, [{ code: "rules", key: `${PROJECT}:rules.maxGroups`, value: settings.maxGroups, message }]);
}
