// Runs a `promtool test rules` file generated from TypeScript against a rendered rule file.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { tmpDir, tool } from "../../helpers/tools";
import { InputSeries } from "./traffic";

export interface ExprTest {
  expr: string;
  /** Seconds from the start of the series. */
  at: number;
  /** Expected samples: label set (`{}` for none) → value; empty means "no result". */
  expect: { labels: string; value: number }[];
}

export interface Scenario {
  /** Scrape interval of the input series, seconds. */
  interval: number;
  /** Rule evaluation interval, seconds. */
  evaluation: number;
  series: InputSeries[];
  tests: ExprTest[];
}

/** `{k="v",...}` for an expected sample's labels. */
export const labelSet = (labels: Record<string, string>): string =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`;

const seconds = (s: number) => `${s}s`;

/** Writes a test file for the rule files and runs promtool; returns its output on failure. */
export function runScenario(rules: string | string[], scenario: Scenario): { ok: boolean; output: string } {
  const ruleFiles = typeof rules === "string" ? [rules] : rules;
  const dir = tmpDir("ananta-slo-test-");
  const file = path.join(dir, "test.yml");
  // promtool evaluates the groups of one step in random order unless told; Prometheus runs
  // them on their own schedules, where a group reading recorded series lags by at most its
  // interval. Evaluating in file order (short windows, long windows, alerts) keeps that lag.
  const groups = ruleFiles.flatMap((f) => (parse(fs.readFileSync(f, "utf8")) as { groups: { name: string }[] }).groups.map((g) => g.name));
  const doc = {
    rule_files: ruleFiles,
    evaluation_interval: seconds(scenario.evaluation),
    group_eval_order: groups,
    tests: [
      {
        interval: seconds(scenario.interval),
        input_series: scenario.series,
        promql_expr_test: scenario.tests.map((t) => ({
          expr: t.expr,
          eval_time: seconds(t.at),
          exp_samples: t.expect.map((e) => ({ labels: e.labels, value: e.value })),
        })),
      },
    ],
  };
  fs.writeFileSync(file, stringify(doc, { lineWidth: 0 }));
  // A guard against a hung promtool, not a time limit: a scenario over days takes a minute alone, several on a busy machine.
  const r = tool("promtool", ["test", "rules", file], { timeoutMs: 600_000 });
  fs.rmSync(dir, { recursive: true, force: true });
  return { ok: r.code === 0, output: `${r.stdout}\n${r.stderr}` };
}
