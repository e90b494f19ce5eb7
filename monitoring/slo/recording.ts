// Recording rules: per SLO, the 5m rates and the raw-window error ratios (fast group), the
// running totals of bad events, all events and slots, the long-window and period error ratios
// and the budget remaining (totals group); per plane, the same rolled up across its services.
import type { Plane, Settings } from "../../settings";
import { LABELS, SLO_SERIES } from "../conventions";
import { durationSeconds } from "../duration";
import { Slo } from "./objectives";
import { safeRatio, selector } from "../promql";
import { RecordingRule } from "./rule-types";
import { RESUME_WINDOW, SLOT, SLOT_SECONDS, periodWindow, recordedWindows } from "./windows";

const C = SLO_SERIES.cumulative;

/** The SLI's bad and all events over a window, as one series without labels. */
export const badOver = (slo: Slo, window: string) => `sum(${slo.sli.errors(window)})`;
export const allOver = (slo: Slo, window: string) => `sum(${slo.sli.total(window)})`;

/** Constant per SLO: its objective (the budget is 1 - objective). */
export const objectiveRules = (slos: Slo[]): RecordingRule[] =>
  slos.map((slo) => ({ record: SLO_SERIES.objective, expr: `vector(${slo.objective})`, labels: slo.labels }));

/** Fast group: the 5m rates, and the error ratio of every other raw window the alerts use. */
export function rawRules(settings: Settings, slos: Slo[]): RecordingRule[] {
  const { raw } = recordedWindows(settings);
  return slos.flatMap((slo) => [
    { record: SLO_SERIES.errorRate5m, expr: badOver(slo, SLOT), labels: slo.labels },
    { record: SLO_SERIES.requestRate5m, expr: allOver(slo, SLOT), labels: slo.labels },
    ...raw.map((w) => ({ record: SLO_SERIES.errorRatio(w), expr: safeRatio(badOver(slo, w), allOver(slo, w)), labels: slo.labels })),
  ]);
}

/** The total's previous value: a slot ago, or after a restart its last value within RESUME_WINDOW. */
const previous = (series: string) => `(${series} offset ${SLOT} or last_over_time(${series}[${RESUME_WINDOW}] offset ${SLOT}))`;

/**
 * A running total: this slot's amount plus the previous total, the amount alone at the start, or
 * the previous total unchanged while the SLI has no data (a service down, a metric gone): the
 * budget keeps being reported through an outage instead of vanishing with the SLI.
 */
const total = (amount: string, series: string) => `(${amount}) + on () ${previous(series)} or (${amount}) or sum(${previous(series)})`;

/**
 * What a running total added over the last `window`: its value now minus its value a window ago
 * (on the same interleaved total), or everything it holds when it is younger than that (or
 * restarted since).
 */
export const windowOf = (series: string, window: string): string => `(${series} - ${series} offset ${window}) >= 0 or ${series}`;

/** Totals group: running totals, long-window and period error ratios, and the budget remaining. */
export function totalsRules(settings: Settings, slos: Slo[]): RecordingRule[] {
  const { long } = recordedWindows(settings);
  return slos.flatMap((slo) => {
    const [bad, all, slots] = [C.errors, C.requests, C.slots].map((m) => slo.of(m));
    const ratio = (w: string) => safeRatio(windowOf(bad, w), windowOf(all, w));
    const period = periodWindow(slo);
    return [
      { record: C.errors, expr: total(`${badOver(slo, SLOT)} * ${SLOT_SECONDS}`, bad), labels: slo.labels },
      { record: C.requests, expr: total(`${allOver(slo, SLOT)} * ${SLOT_SECONDS}`, all), labels: slo.labels },
      // One per slot in which the SLI had data: how much of a window monitoring has seen.
      { record: C.slots, expr: total(`${allOver(slo, SLOT)} * 0 + 1`, slots), labels: slo.labels },
      ...long.map((w) => ({ record: SLO_SERIES.errorRatio(w), expr: ratio(w), labels: slo.labels })),
      { record: SLO_SERIES.errorRatio("period"), expr: ratio(period), labels: slo.labels },
      { record: SLO_SERIES.budgetRemaining, expr: `1 - (${spent(bad, all, slots, period, String(slo.budget))})`, labels: slo.labels },
    ];
  });
}

/** The share of the period covered by data (at most 1), from the slots total. */
const covered = (slots: string, period: string) => `clamp_max((${windowOf(slots, period)}) / ${durationSeconds(period) / SLOT_SECONDS}, 1)`;

/**
 * Share of the period's budget spent: bad events out of the events the period allows, with
 * the missing part of a young history counting as error-free traffic at the observed rate:
 * bad / (budget × all / covered) = bad × covered / (all × budget).
 */
function spent(bad: string, all: string, slots: string, period: string, budget: string): string {
  return safeRatio(`(${windowOf(bad, period)}) * ${covered(slots, period)}`, `(${windowOf(all, period)}) * ${budget}`);
}

/** Plane roll-ups of the fast group, per SLO name: the traffic-weighted 5m availability. */
export function planeRawRules(plane: Plane): RecordingRule[] {
  const only = { [LABELS.plane]: plane };
  const sum = (expr: string) => `sum by (${LABELS.plane}, ${LABELS.slo}) (${expr})`;
  const bad = sum(selector(SLO_SERIES.errorRate5m, only));
  const all = sum(selector(SLO_SERIES.requestRate5m, only));
  return [{ record: SLO_SERIES.plane.availability(plane, "5m"), expr: `1 - (${safeRatio(bad, all)})` }];
}

/**
 * Plane roll-ups of the totals group over the stack's period (slo.periodDays): availability, and
 * the budget remaining, weighing each service by its traffic and its own budget.
 */
export function planeTotalsRules(settings: Settings, plane: Plane): RecordingRule[] {
  const only = { [LABELS.plane]: plane };
  const period = `${settings.slo.periodDays}d`;
  const sum = (expr: string) => `sum by (${LABELS.plane}, ${LABELS.slo}) (${expr})`;
  const [bad, all, slots] = [C.errors, C.requests, C.slots].map((m) => selector(m, only));
  const allowedShare = `(${windowOf(bad, period)}) * ${covered(slots, period)} / (1 - ${selector(SLO_SERIES.objective, only)})`;
  return [
    { record: SLO_SERIES.plane.availability(plane, "period"), expr: `1 - (${safeRatio(sum(windowOf(bad, period)), sum(windowOf(all, period)))})` },
    { record: SLO_SERIES.plane.budgetRemaining(plane), expr: `1 - (${safeRatio(sum(allowedShare), sum(windowOf(all, period)))})` },
  ];
}

export const planesOf = (settings: Settings): Plane[] => [...new Set(settings.services.map((s) => s.plane))];
