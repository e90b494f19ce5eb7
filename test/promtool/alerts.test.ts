// The critical and warning alert rules under real promtool, for each stack file: lint-clean,
// and every alert both fires (exact labels and annotations) and stays silent on healthy series.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { FILES } from "../../monitoring/layout";
import { RULE_FILES } from "../../monitoring/conventions";
import { renderTo, settingsOf, tool } from "../helpers/tools";
import { ALERT_CASES, AlertCase, InputSeries } from "./alerts/cases";

const ALERT_FILES = [RULE_FILES.critical, RULE_FILES.warnings].map((name) => FILES.rule(name));
const JOB_UNDER_TEST = "app-plane-cns-service";

interface RuleFile {
  groups: { name: string; rules: { alert?: string; expr: string }[] }[];
}

const alertsIn = (dir: string): { alert: string; expr: string }[] =>
  ALERT_FILES.flatMap((f) => (parse(fs.readFileSync(path.join(dir, f), "utf8")) as RuleFile).groups.flatMap((g) => g.rules))
    .filter((r): r is { alert: string; expr: string } => r.alert !== undefined);

const scrapeJobs = (dir: string): string[] =>
  (parse(fs.readFileSync(path.join(dir, FILES.prometheusConfig), "utf8")) as { scrape_configs: { job_name: string }[] }).scrape_configs.map((s) => s.job_name);

/** The promtool test file: one test group per case, each with its own interval. */
function promtoolTests(dir: string): string {
  const othersUp: InputSeries[] = scrapeJobs(dir)
    .filter((job) => job !== JOB_UNDER_TEST)
    .map((job) => ({ series: `up{job=${JSON.stringify(job)}}`, values: "1x60" }));
  const group = (name: string, alertname: string, c: AlertCase, expAlerts: unknown[]) => ({
    name,
    interval: "1m",
    input_series: [...(c.otherTargetsUp ? othersUp : []), ...c.input_series],
    alert_rule_test: [{ eval_time: c.eval_time, alertname, exp_alerts: expAlerts }],
  });
  const tests = Object.entries(ALERT_CASES).flatMap(([alert, cases]) => [
    group(`${alert} fires`, alert, cases.firing, cases.firing.exp_alerts),
    ...(Array.isArray(cases.silent) ? cases.silent.map((c, i) => group(`${alert} stays silent (case ${i + 1})`, alert, c, [])) : []),
  ]);
  return stringify({ rule_files: ALERT_FILES.map((f) => path.join(dir, f)), evaluation_interval: "1m", tests }, { lineWidth: 0 });
}

for (const stack of ["dev", "prod"]) {
  describe(`alert rules of Pulumi.${stack}.yaml under promtool`, () => {
    let dir: string;
    before(() => {
      dir = renderTo(settingsOf(stack));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("pass promtool check rules --lint=all with lint problems fatal", () => {
      const r = tool("promtool", ["check", "rules", "--lint=all", "--lint-fatal", ...ALERT_FILES.map((f) => path.join(dir, f))]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
    });

    it("hold at least 20 distinct alerts covering every category", () => {
      const names = new Set(alertsIn(dir).map((r) => r.alert));
      assert.ok(names.size >= 20, `only ${names.size} alerts: ${[...names].join(", ")}`);
      const categories = new Set(
        ALERT_FILES.flatMap((f) => (parse(fs.readFileSync(path.join(dir, f), "utf8")) as { groups: { rules: { labels: { category: string } }[] }[] }).groups)
          .flatMap((g) => g.rules.map((r) => r.labels.category)),
      );
      for (const c of ["availability", "errors", "latency", "database", "cache", "infrastructure", "deployment", "monitoring"]) assert.ok(categories.has(c), `no ${c} alert`);
    });

    it("have a firing and a silent promtool case for every alert, and no case for an alert that is gone", () => {
      const rendered = [...new Set(alertsIn(dir).map((r) => r.alert))].sort();
      assert.deepEqual(Object.keys(ALERT_CASES).sort(), rendered);
    });

    it("watch every scraped job except Prometheus itself for ServiceDown and TargetMissing", () => {
      const watched = (alert: string) =>
        alertsIn(dir)
          .filter((r) => r.alert === alert)
          .map((r) => /job="([^"]+)"/.exec(r.expr)?.[1])
          .sort();
      const jobs = scrapeJobs(dir).filter((j) => j !== "prometheus").sort();
      assert.deepEqual(watched("ServiceDown"), jobs);
      assert.deepEqual(watched("TargetMissing"), jobs);
    });

    it("fire with the expected labels and annotations, and stay silent on healthy series (promtool test rules)", () => {
      const file = path.join(dir, "alerts.test.yml");
      fs.writeFileSync(file, promtoolTests(dir));
      const r = tool("promtool", ["test", "rules", file]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /SUCCESS/);
    });
  });
}
