// Shared pieces of the SLO promtool scenarios: a rule file for a settings variant, assertions
// on alert states and values, and the SRE workbook's detection time.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { SLO_SERIES } from "../../../monitoring/conventions";
import { sloRules } from "../../../monitoring/slo";
import { Settings } from "../../../settings";
import { settingsWith, stackServices } from "../../helpers/tools";
import { tmpDir } from "../../helpers/tools";
import { ExprTest, runScenario, Scenario } from "./run";

export const MIN = 60;
export const HOUR = 3600;
export const DAY = 24 * HOUR;

/** The dev stack with only its availability SLOs: fewer rules for scenarios that span days. */
export const availabilityOnly = (periodDays = 30): Settings =>
  settingsWith("dev", { services: stackServices("dev").map((s) => ({ ...s, slo: { latency: [] } })), slo: { periodDays } });

/** Writes the stack's SLO rule file into a temporary folder. */
export function rulesFileOf(settings: Settings): string {
  const file = path.join(tmpDir(), "slos.yml");
  fs.writeFileSync(file, sloRules(settings));
  return file;
}

/** 1 while any tier of the alert fires for the SLO (each burn-rate tier is an alert of its own), else empty. */
export const firing = (alert: string, service: string, slo: string, tier?: string) =>
  `group(ALERTS{alertname="${alert}",alertstate="firing",service="${service}",slo="${slo}"${tier ? `,burn_tier="${tier}"` : ""}})`;
export const is = (expr: string, at: number): ExprTest => ({ expr, at, expect: [{ labels: "{}", value: 1 }] });
export const isNot = (expr: string, at: number): ExprTest => ({ expr, at, expect: [] });
/** A value within `tolerance` (absolute) of `value`, as a 0/1 test. */
export const near = (expr: string, value: number, at: number, tolerance = 1e-9): ExprTest => ({ expr: `count(abs((${expr}) - ${value}) < ${tolerance})`, at, expect: [{ labels: "{}", value: 1 }] });
/** Every SLO alert that was pending or firing at any time in the last `range` seconds. */
export const anySloAlert = (range: number) => `max_over_time(ALERTS{category="slo"}[${range}s])`;
/** One SLO's recorded series. */
export const series = (metric: string, service: string, slo: string) => `${metric}{service="${service}",slo="${slo}"}`;
export const remaining = (service: string, slo: string) => series(SLO_SERIES.budgetRemaining, service, slo);

/** (1 - SLO) / e * long_window * factor, in seconds. */
export const detection = (budget: number, errorRatio: number, longSeconds: number, factor: number) => (budget / errorRatio) * longSeconds * factor;
/** The last evaluation strictly before t, and the second one after it. */
export const evalBefore = (t: number, every: number) => Math.ceil(t / every) * every - every;
export const secondEvalAfter = (t: number, every: number) => Math.floor(t / every) * every + 2 * every;

export function check(rulesFile: string | string[], scenario: Scenario): void {
  const r = runScenario(rulesFile, scenario);
  assert.ok(r.ok, r.output);
}
