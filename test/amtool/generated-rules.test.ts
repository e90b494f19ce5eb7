// Every alert rule the project generates (all of prometheus/rules/*.yml, whoever writes them)
// reaches a receiver, and every receiver is reached by some generated alert.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { expectedReceivers } from "../../monitoring/alertmanager/routes";
import { LABELS, RECEIVERS, WATCHDOG_ALERT } from "../../monitoring/conventions";
import { renderTo, settingsOf } from "../helpers/tools";
import { configIn, declaredReceivers, readConfig, receiversFor, type Labels } from "./amtool";
import { STACKS } from "./stacks";

interface AlertRule {
  file: string;
  alert: string;
  labels: Labels;
}

/** Alert rules (name and static labels) of every rendered rule file. */
function alertRules(dir: string): AlertRule[] {
  const rulesDir = path.join(dir, "prometheus/rules");
  const files = fs.existsSync(rulesDir) ? fs.readdirSync(rulesDir).filter((f) => f.endsWith(".yml")) : [];
  return files.flatMap((file) => {
    const doc = parseYaml(fs.readFileSync(path.join(rulesDir, file), "utf8")) as { groups?: { rules?: { alert?: string; labels?: Labels }[] }[] };
    return (doc.groups ?? []).flatMap((g) =>
      (g.rules ?? []).filter((r) => r.alert).map((r) => ({ file, alert: r.alert as string, labels: { ...(r.labels ?? {}) } })),
    );
  });
}

/**
 * The label sets an alert of the rule can carry: its static labels (templated values are only
 * known at run time), and, when it sets no plane, those plus each service's scrape labels.
 */
function labelSets(rule: AlertRule, services: { name: string; plane: string; team?: string }[]): Labels[] {
  const fixed = Object.fromEntries(Object.entries(rule.labels).filter(([, v]) => !String(v).includes("{{")));
  const base: Labels = { alertname: rule.alert, ...fixed };
  if (base[LABELS.plane]) return [base];
  return [base, ...services.map((s) => ({ [LABELS.service]: s.name, [LABELS.plane]: s.plane, ...(s.team ? { [LABELS.team]: s.team } : {}), ...base }))];
}

/** Alert names the inhibit rules name: each must be an alert some rule generates. */
const inhibitAlertNames = (dir: string): string[] =>
  ((readConfig(dir).inhibit_rules ?? []) as { source_matchers: string[]; target_matchers: string[] }[])
    .flatMap((r) => [...r.source_matchers, ...r.target_matchers])
    .map((m) => /^alertname="(.+)"$/.exec(m)?.[1])
    .filter((n): n is string => n !== undefined);

describe("generated alert rules against the routing tree", () => {
  for (const stack of STACKS) {
    describe(`${stack} stack`, () => {
      let dir: string;
      let rules: AlertRule[];
      const reached = new Map<string, string>();
      before(() => {
        dir = renderTo(settingsOf(stack));
        rules = alertRules(dir);
      });

      it("has alert rules to route", () => {
        assert.ok(rules.length > 0, "no alert rule in prometheus/rules/*.yml");
      });

      it("routes every alert rule to a receiver, the Watchdog to its own and no other", () => {
        const settings = settingsOf(stack);
        const problems: string[] = [];
        for (const rule of rules) {
          for (const labels of labelSets(rule, settings.services)) {
            const got = receiversFor(configIn(dir), labels);
            const where = `${rule.file} ${rule.alert} ${JSON.stringify(labels)} → ${got.join(",") || "(none)"}`;
            if (got.length === 0) problems.push(`${where}: reaches no receiver`);
            if (rule.alert === WATCHDOG_ALERT ? got.join() !== RECEIVERS.watchdog : got.includes(RECEIVERS.watchdog)) {
              problems.push(`${where}: only the Watchdog may reach ${RECEIVERS.watchdog}`);
            }
            for (const r of got) if (!reached.has(r)) reached.set(r, `${rule.alert} ${JSON.stringify(labels)}`);
          }
        }
        assert.deepEqual(problems, []);
      });

      it("reaches, for every alert, the receivers the routing data says, in that order", () => {
        const settings = settingsOf(stack);
        const problems = rules.flatMap((rule) =>
          labelSets(rule, settings.services).flatMap((labels) => {
            const got = receiversFor(configIn(dir), labels);
            const want = expectedReceivers(settings, labels);
            return got.join() === want.join() ? [] : [`${rule.alert} ${JSON.stringify(labels)}: amtool ${got.join(",")}, data ${want.join(",")}`];
          }),
        );
        assert.deepEqual(problems, []);
      });

      it("never pages a budget-policy alert: they reach the SLO team and the owner only", () => {
        const policy = rules.filter((r) => r.labels[LABELS.policyAction]);
        assert.equal(new Set(policy.map((r) => r.alert)).size, 4);
        for (const rule of policy) {
          assert.notEqual(rule.labels.severity, "critical", `${rule.alert} is not critical`);
          for (const labels of labelSets(rule, settingsOf(stack).services)) {
            const got = receiversFor(configIn(dir), labels);
            assert.ok(!got.includes(RECEIVERS.pagerduty), `${rule.alert} ${JSON.stringify(labels)} → ${got.join(",")}`);
            assert.deepEqual(got.slice(0, 2), [RECEIVERS.slack("slo"), RECEIVERS.email("slo")], `${rule.alert} reaches the SLO team first`);
          }
        }
      });

      it("reaches every receiver with some generated alert", () => {
        const unreached = declaredReceivers(dir).filter((r) => !reached.has(r));
        assert.deepEqual(unreached, [], `no generated alert reaches: ${unreached.join(", ")}`);
      });

      it("generates every alert the inhibit rules name", () => {
        const names = new Set(rules.map((r) => r.alert));
        assert.deepEqual(inhibitAlertNames(dir).filter((n) => !names.has(n)), []);
      });
    });
  }
});
