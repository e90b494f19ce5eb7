// The critical and warning alert rules under real promtool, for each stack file: lint-clean,
// and every alert both fires (exact labels and annotations) and stays silent on healthy series.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { FILES } from "../../monitoring/layout";
import { scrapeJobs as generatedJobs } from "../../monitoring/scrape-jobs";
import { RULE_FILES } from "../../monitoring/conventions";
import { renderTo, settingsOf, tool } from "../helpers/tools";
import { ALERT_CASES, AlertCase, InputSeries, series } from "./alerts/cases";

const ALERT_FILES = [RULE_FILES.critical, RULE_FILES.warnings].map((name) => FILES.rule(name));
const JOB_UNDER_TEST = "app-plane-cns-service";

interface RuleFile {
  groups: { name: string; rules: { alert?: string; expr: string }[] }[];
}

const alertsIn = (dir: string): { alert: string; expr: string }[] =>
  ALERT_FILES.flatMap((f) => (parse(fs.readFileSync(path.join(dir, f), "utf8")) as RuleFile).groups.flatMap((g) => g.rules))
    .filter((r): r is { alert: string; expr: string } => r.alert !== undefined);

interface ScrapeConfig {
  job_name: string;
  static_configs: { targets: string[]; labels?: Record<string, string> }[];
}

/** Every scrape job of the rendered prometheus.yml with the labels it attaches to its first target's series. */
const scrapeJobs = (dir: string): { job: string; labels: Record<string, string> }[] =>
  (parse(fs.readFileSync(path.join(dir, FILES.prometheusConfig), "utf8")) as { scrape_configs: ScrapeConfig[] }).scrape_configs.map((s) => ({
    job: s.job_name,
    labels: { job: s.job_name, instance: s.static_configs[0].targets[0], ...s.static_configs[0].labels },
  }));

/** The service an exporter's alerts name (its owner in monitoring/scrape-jobs.ts: postgres for postgres-exporter). */
const ownerOf = (stack: string, job: string): string => generatedJobs(settingsOf(stack)).find((j) => j.job === job)!.owner.service;

/** The promtool test file: one test group per case, each with its own interval. */
function promtoolTests(dir: string): string {
  const othersUp: InputSeries[] = scrapeJobs(dir)
    .filter((j) => j.job !== JOB_UNDER_TEST)
    .map((j) => ({ series: series("up", j.labels), values: "1x60" }));
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
      // Every job down, then every job gone: each alert fires once per watched job, with the job's labels.
      const watched = scrapeJobs(dir).filter((j) => j.job !== "prometheus");
      const perJob = (alert: string) => `count by (job, service) (ALERTS{alertname="${alert}",alertstate="firing"})`;
      const expect = (labels: (j: (typeof watched)[number]) => Record<string, string>) =>
        watched.map((j) => ({ labels: series("", labels(j)), value: 1 })).sort((x, y) => x.labels.localeCompare(y.labels));
      const test = (series: InputSeries[], alert: string, labels: (j: (typeof watched)[number]) => Record<string, string>) => ({
        interval: "1m",
        input_series: series,
        promql_expr_test: [{ expr: perJob(alert), eval_time: "10m", exp_samples: expect(labels) }],
      });
      const owner = (j: (typeof watched)[number]) => ({ job: j.job, service: j.labels.service ?? ownerOf(stack, j.job) });
      const file = path.join(dir, "watched.test.yml");
      const down = watched.map((j) => ({ series: series("up", j.labels), values: "0x20" }));
      const prometheusUp = [{ series: series("up", { job: "prometheus", instance: "prometheus:9090" }), values: "1x20" }];
      fs.writeFileSync(
        file,
        stringify(
          { rule_files: ALERT_FILES.map((f) => path.join(dir, f)), evaluation_interval: "1m", tests: [test(down, "ServiceDown", owner), test(prometheusUp, "TargetMissing", owner)] },
          { lineWidth: 0 },
        ),
      );
      const r = tool("promtool", ["test", "rules", file]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
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
