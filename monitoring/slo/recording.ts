// Recording rules: per SLO, rates of bad and all events per window, error ratio, burn rate,
// objective, budget and budget remaining; per plane, the same rolled up across its services.
import type { Plane, Settings } from "../../settings";
import { LABELS, SLO_SERIES, SloWindow } from "../conventions";
import { Slo } from "./objectives";
import { safeRatio, selector } from "./promql";
import { RecordingRule } from "./rule-types";
import { DerivedWindow, RAW_WINDOWS } from "./windows";

/** Constants per SLO: its objective and error budget. */
export function objectiveRules(slos: Slo[]): RecordingRule[] {
  return slos.flatMap((slo) => [
    { record: SLO_SERIES.objective, expr: `vector(${slo.objective})`, labels: slo.labels },
    { record: SLO_SERIES.errorBudget, expr: `vector(${slo.budget})`, labels: slo.labels },
  ]);
}

/** The only rules that read raw counters: short windows, one pair per SLO and window. */
export function rawRateRules(slos: Slo[]): RecordingRule[] {
  return slos.flatMap((slo) =>
    RAW_WINDOWS.flatMap((w) => [
      { record: SLO_SERIES.errorRate(w), expr: slo.errors(w), labels: slo.labels },
      { record: SLO_SERIES.requestRate(w), expr: slo.requests(w), labels: slo.labels },
    ]),
  );
}

/** Longer windows as the mean of a recorded short-window rate at non-overlapping steps. */
export function derivedRateRules(d: DerivedWindow): RecordingRule[] {
  const mean = (series: string) => `avg_over_time(${series}[${d.range}:${d.from}])`;
  return [
    { record: SLO_SERIES.errorRate(d.window), expr: mean(SLO_SERIES.errorRate(d.from)) },
    { record: SLO_SERIES.requestRate(d.window), expr: mean(SLO_SERIES.requestRate(d.from)) },
  ];
}

/** Error ratio and burn rate of every SLO over a window whose rates are recorded. */
export function ratioRules(w: SloWindow): RecordingRule[] {
  return [
    { record: SLO_SERIES.errorRatio(w), expr: safeRatio(SLO_SERIES.errorRate(w), SLO_SERIES.requestRate(w)) },
    { record: SLO_SERIES.burnRate(w), expr: `${SLO_SERIES.errorRatio(w)} / ${SLO_SERIES.errorBudget}` },
  ];
}

export const budgetRemainingRule = (): RecordingRule => ({
  record: SLO_SERIES.budgetRemaining,
  expr: `1 - ${SLO_SERIES.burnRate("period")}`,
});

/**
 * Plane roll-ups, per SLO name: availability (share of good events) and burn rate over a
 * window, both traffic-weighted. The burn rate divides bad events by the events the SLOs
 * allow (requests × budget), so services with different objectives weigh in fairly.
 */
export function planeRules(plane: Plane, w: SloWindow): RecordingRule[] {
  const only = { [LABELS.plane]: plane };
  const sum = (expr: string) => `sum by (${LABELS.plane}, ${LABELS.slo}) (${expr})`;
  const bad = sum(selector(SLO_SERIES.errorRate(w), only));
  const all = sum(selector(SLO_SERIES.requestRate(w), only));
  const allowed = sum(`${selector(SLO_SERIES.requestRate(w), only)} * ${SLO_SERIES.errorBudget}`);
  const rules: RecordingRule[] = [
    { record: SLO_SERIES.plane.availability(plane, w), expr: `1 - (${safeRatio(bad, all)})` },
    { record: SLO_SERIES.plane.burnRate(plane, w), expr: safeRatio(bad, allowed) },
  ];
  if (w === "period") {
    rules.push({ record: SLO_SERIES.plane.budgetRemaining(plane), expr: `1 - ${SLO_SERIES.plane.burnRate(plane, w)}` });
  }
  return rules;
}

export const planesOf = (settings: Settings): Plane[] => [...new Set(settings.services.map((s) => s.plane))];
