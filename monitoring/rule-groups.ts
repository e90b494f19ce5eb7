// Rule groups sized for the engines that evaluate them (settings rules.maxRulesPerGroup and
// rules.maxGroups: Grafana Mimir's ruler takes 20 rules per group and 70 groups per tenant by
// default). A group over the size is cut into consecutive parts `<name>-1`, `<name>-2`, ...
// Rules keep their order, and the rules of one SLO (a run its generator keeps together) stay in
// one part: each reads the ones before it in the same evaluation. Every other reader reads what
// another group wrote at its last evaluation, as rules of different groups always do.
import { PROJECT, SettingsError } from "../settings";

type Rule = object;

export interface Group<R extends Rule> {
  name: string;
  interval?: string;
  rules: R[];
}

const SOURCE = "the rule files the settings render";

/** A group as a generator builds it: its rules in runs that must share a group (each reads the ones before it), or one rule a run. */
export interface GroupOfRuns<R extends Rule> {
  name: string;
  interval?: string;
  runs: R[][];
}

/** The groups with none over `maxRules` rules. */
export function sizedGroups<R extends Rule>(groups: GroupOfRuns<R>[], maxRules: number): Group<R>[] {
  return groups.flatMap(({ name, interval, runs }) => {
    const rules = runs.flat();
    const group = (n: string, r: R[]): Group<R> => ({ name: n, ...(interval ? { interval } : {}), rules: r });
    if (rules.length <= maxRules) return [group(name, rules)];
    const parts: R[][] = [];
    for (const run of runs) {
      if (run.length > maxRules) {
        const message = `must be at least ${run.length}: the ${run.length} rules of one SLO in group ${name} read one another and must share a group`;
        throw new SettingsError(SOURCE, [{ code: "rules", key: `${PROJECT}:rules.maxRulesPerGroup`, value: maxRules, message }]);
      }
      const last = parts.at(-1);
      if (last && last.length + run.length <= maxRules) last.push(...run);
      else parts.push([...run]);
    }
    return parts.map((r, i) => group(`${name}-${i + 1}`, r));
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
