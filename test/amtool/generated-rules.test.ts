// Every alert rule the project generates (all of prometheus/rules/*.yml, whoever writes them)
// reaches a receiver, and every receiver is reached by some generated alert.
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { expectedReceivers } from "../../monitoring/alertmanager/routes";
import { LABELS, RECEIVERS, WATCHDOG_ALERT } from "../../monitoring/conventions";
import { renderTo, settingsOf } from "../helpers/tools";
import { alertRules, configIn, declaredReceivers, labelSets, readConfig, receiversFor, type AlertRule } from "./amtool";
import { STACKS } from "./stacks";

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
        rules = alertRules(path.join(dir, "prometheus/rules"));
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
