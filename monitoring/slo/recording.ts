// Recording rules: per SLO, the 5m rates and the raw-window error ratios (fast group); the
// error ratios of the long windows and of the period read from raw history, the events over a
// day and over the period, and the budget remaining (history group); per plane, the same rolled
// up across its services.
import { WEEK, type Calendar, type Plane, type Settings } from "../../settings";
import { LABELS, SLO_SERIES } from "../conventions";
import { durationOf, durationSeconds } from "../duration";
import { Slo, agg, on, sliSeries } from "./objectives";
import { safeRatio, selector, stepsWithin } from "../promql";
import { RecordingRule } from "./rule-types";
import { AGE_STEP, COARSE_STEP, FINE_STEP, RAW_STEP, SEAM, SLOT, isFine, periodWindow, recordedWindows } from "./windows";
import { inWindows, SINCE_MONDAY } from "../maintenance";

/** The SLI's bad and all events over a window: one series without labels for one service, one per service for several. */
export const badOver = (slo: Slo, window: string) => sliSeries(slo, slo.sli.errors(window));
export const allOver = (slo: Slo, window: string) => sliSeries(slo, slo.sli.total(window));

/**
 * Per-second rate of the SLI's bad or all events over a raw window, less the events inside the
 * SLO's maintenance windows (read minute by minute).
 */
function rawRate(slo: Slo, kind: "bad" | "all", window: string): string {
  const over = kind === "bad" ? badOver(slo, window) : allOver(slo, window);
  if (slo.maintenance.length === 0) return over;
  const seconds = durationSeconds(window);
  return `clamp_min((${over}) - ${on(slo)} (${inMaintenance(slo, kind, window, RAW_STEP)}) / ${seconds}, 0)`;
}

/** Fast group, per SLO: its objective (the budget is 1 - objective), the 5m rates, and the error ratio of every other raw window the alerts use. */
export function rawRules(settings: Settings, slos: Slo[]): RecordingRule[] {
  const { raw } = recordedWindows(settings);
  return slos.flatMap((slo) => [
    // Several services: one series each while its scrape target is configured.
    { record: SLO_SERIES.objective, expr: slo.presence ? `0 * ${slo.presence} + ${slo.objective}` : `vector(${slo.objective})`, labels: slo.labels },
    { record: SLO_SERIES.errorRate5m, expr: rawRate(slo, "bad", SLOT), labels: slo.labels },
    { record: SLO_SERIES.requestRate5m, expr: rawRate(slo, "all", SLOT), labels: slo.labels },
    ...raw.map((w) => ({ record: SLO_SERIES.errorRatio(w), expr: safeRatio(rawRate(slo, "bad", w), rawRate(slo, "all", w)), labels: slo.labels })),
  ]);
}

/**
 * Events over `window` with the counters sampled every `step`: their increase between grid
 * points exactly `window` apart, the last of them the newest grid point. The SLI's rate is
 * evaluated at that grid point (the outer subquery) over a range a second longer than the
 * window, so its first and last samples sit on the range's edges: Prometheus then extrapolates
 * nothing (it would otherwise, differently near a counter's zero) on version 2 and 3 alike.
 */
const sampled = (slo: Slo, rate: (w: string) => string, window: string, step: string) => {
  const [w, s] = [durationSeconds(window), durationSeconds(step)];
  return `last_over_time((${sliSeries(slo, rate(`${durationOf(w + 1)}:${step}`))})${stepsWithin(s, step)}) * ${w}`;
};

/**
 * 0 for each of the SLO's series, where an edge term has none (no sample at that instant): for
 * several services, one per configured target (its `up`, which Prometheus records while the
 * target is down too).
 */
const zeros = (slo: Slo) => (slo.presence ? `0 * ${slo.presence}` : "vector(0)");

/**
 * What moves a grid's window to end at the evaluation instant: the events since the newest grid
 * point then, less those since the grid point at its start, `window` ago (`from`, when the part
 * ends `to` ago rather than now). A reset since a grid point loses those events.
 */
function edges(slo: Slo, kind: "bad" | "all", step: string, from: string, to?: string): string {
  const grid = slo.sli.grid!;
  const since = (offset?: string) => `(${sliSeries(slo, kind === "bad" ? grid.bad(step, offset) : grid.total(step, offset))} or ${on(slo)} ${zeros(slo)})`;
  return `${since(to)} - ${on(slo)} ${since(from)}`;
}

/**
 * Events inside the SLO's maintenance windows over `window` (ending `offset` ago), step by step
 * on a grid of `step`: each step's events where the step lies in a window. 0 for each of the
 * SLO's series where there were none.
 */
function inMaintenance(slo: Slo, kind: "bad" | "all", window: string, step: string, offset?: string): string {
  const range = stepsWithin(durationSeconds(window), step, offset);
  return `sum_over_time((${sliSeries(slo, slo.sli.stepEvents(kind, step))} * scalar(${inWindows(slo.maintenance)}))${range}) or ${on(slo)} ${zeros(slo)}`;
}

/** A long window's events less those inside maintenance windows (none without windows). */
const outside = (slo: Slo, events: string, kind: "bad" | "all", window: string, step: string, offset?: string) =>
  slo.maintenance.length === 0 ? events : `clamp_min(${events} - ${on(slo)} (${inMaintenance(slo, kind, window, step, offset)}), 0)`;

/** The calendar period's index of an instant `shift` seconds from the evaluation's (months since year 0, or weeks since a Monday). */
function periodIndex(c: Calendar, shift: number): string {
  const t = `time() + ${c.offsetSeconds + shift}`;
  return c.unit === "month" ? `(month(vector(${t})) + 12 * year(vector(${t})))` : `floor(vector(${t} + ${SINCE_MONDAY}) / ${WEEK})`;
}

/** Seconds since the calendar period began, and its length. */
function periodClock(c: Calendar): { elapsed: string; length: string } {
  const v = `vector(time() + ${c.offsetSeconds})`;
  if (c.unit === "week") return { elapsed: `vector((time() + ${c.offsetSeconds + SINCE_MONDAY}) % ${WEEK})`, length: `vector(${WEEK})` };
  return { elapsed: `(day_of_month(${v}) - 1) * 86400 + hour(${v}) * 3600 + minute(${v}) * 60 + (time() + ${c.offsetSeconds}) % 60`, length: `days_in_month(${v}) * 86400` };
}

/**
 * Events of the current calendar period, step by step on the coarse grid: a window that spans
 * at most this period and the one before holds each step's events and, separately, those of
 * the steps whose period index is odd; with the current index's parity the two give the current
 * period's alone. A month may span more than 28 days: its older days (a window 28 to 31 days
 * back, which only then holds no period before the last) count while they are this month's.
 * The newest part, after the last grid point, is added as it stands.
 */
function calendarEvents(slo: Slo, kind: "bad" | "all"): string {
  const c = slo.calendar!;
  const step = COARSE_STEP;
  const steps = sliSeries(slo, slo.sli.stepEvents(kind, step));
  const orZero = (expr: string) => `(${expr} or ${on(slo)} ${zeros(slo)})`;
  // Each step's events belong to the period of the second before its end.
  const odd = `scalar(${periodIndex(c, -1)} % 2)`;
  const current = `scalar(${periodIndex(c, 0)} % 2)`;
  const part = (days: number, offset?: string) => {
    const range = stepsWithin(days * 86_400, step, offset);
    const all = orZero(`sum_over_time((${steps})${range})`);
    const oddOnes = orZero(`sum_over_time((${steps} * ${odd})${range})`);
    return `(${current} * ${oddOnes} + (1 - ${current}) * (${all} - ${on(slo)} ${oddOnes}))`;
  };
  const head = slo.sli.grid ? ` + ${on(slo)} (${sliSeries(slo, kind === "bad" ? slo.sli.grid.bad(step) : slo.sli.grid.total(step))} or ${on(slo)} ${zeros(slo)})` : "";
  if (c.unit === "week") return `${part(7)}${head}`;
  const older = `scalar(${periodClock(c).elapsed} > bool ${28 * 86_400}) * ${part(3, "28d")}`;
  return `${part(28)} + ${on(slo)} ${older}${head}`;
}

/** Bad events over SEAM, from the recorded ratio and events (the ratio's numerator). */
const seamErrors = (slo: Slo) => agg(slo, `${slo.of(SLO_SERIES.errorRatio(SEAM))} * ${slo.of(SLO_SERIES.requests(SEAM))}`);

/**
 * Events over a long window, ending at the evaluation instant, from raw history: on the fine
 * grid up to SEAM; beyond it, the coarse grid for the part older than SEAM plus the recorded
 * SEAM for the rest, so the newest part is as fresh as the fine grid. An events SLI's own
 * queries are read over the window as written. `kind` picks the SLI's bad or all events.
 */
export function historyEvents(slo: Slo, kind: "bad" | "all", window: string): string {
  const rate = (w: string) => (kind === "bad" ? slo.sli.bad(w) : slo.sli.total(w));
  if (!slo.sli.grid) return outside(slo, `${sliSeries(slo, rate(window))} * ${durationSeconds(window)}`, kind, window, FINE_STEP);
  if (isFine(window)) return outside(slo, `${sampled(slo, rate, window, FINE_STEP)} + ${on(slo)} (${edges(slo, kind, FINE_STEP, window)})`, kind, window, FINE_STEP);
  const seam = kind === "bad" ? seamErrors(slo) : agg(slo, slo.of(SLO_SERIES.requests(SEAM)));
  // Under a coarse step of history the older part is empty: then only the newest day counts.
  const coarse = `${sampled(slo, rate, window, COARSE_STEP)} - ${on(slo)} ${sampled(slo, rate, SEAM, COARSE_STEP)} + ${on(slo)} (${edges(slo, kind, COARSE_STEP, window, SEAM)})`;
  const beforeSeam = durationOf(durationSeconds(window) - durationSeconds(SEAM));
  const older = slo.maintenance.length === 0 ? `clamp_min(${coarse}, 0)` : outside(slo, coarse, kind, beforeSeam, COARSE_STEP, SEAM);
  return `(${older} + ${on(slo)} ${seam}) or ${seam}`;
}

/** An error ratio, bad events over `all` (all events); no bad-event series at all (a service that never failed) is 0. */
const ratioOf = (slo: Slo, bad: string, all: string) => safeRatio(`${bad} or ${on(slo)} 0 * ${all}`, all);

/** Events of the SLO's period: the rolling window, or the calendar period so far. */
const periodEvents = (slo: Slo, kind: "bad" | "all") => (slo.calendar ? calendarEvents(slo, kind) : historyEvents(slo, kind, periodWindow(slo)));

/**
 * When the SLI's history begins, at the fine grid over the last SEAM and the age grid before
 * (looking a step past the period, so that history older than the period covers all of it):
 * the first grid point at which it has data.
 */
function firstSeen(slo: Slo, period: string): string {
  const first = (range: string, step: string) => `min_over_time(timestamp(${agg(slo, slo.sli.signal)})[${range}:${step}])`;
  const [recent, old] = [first(SEAM, FINE_STEP), first(durationOf(durationSeconds(period) + durationSeconds(AGE_STEP)), AGE_STEP)];
  return `(${recent} <= ${old}) or ${old} or ${recent}`;
}

/**
 * History group, per SLO: all events and the error ratio over SEAM and over the period (bad
 * events are their product), the error ratio of every other long window the alerts read, and
 * the budget remaining.
 */
export function historyRules(settings: Settings, slos: Slo[]): RecordingRule[] {
  return slos.flatMap((slo) => {
    const period = periodWindow(slo);
    // Summed like the bad events they divide.
    const [seamAll, periodAll] = [agg(slo, slo.of(SLO_SERIES.requests(SEAM))), agg(slo, slo.of(SLO_SERIES.requests("period")))];
    const others = recordedWindows(settings).long.filter((w) => w !== SEAM);
    return [
      { record: SLO_SERIES.requests(SEAM), expr: historyEvents(slo, "all", SEAM), labels: slo.labels },
      { record: SLO_SERIES.errorRatio(SEAM), expr: ratioOf(slo, historyEvents(slo, "bad", SEAM), seamAll), labels: slo.labels },
      { record: SLO_SERIES.requests("period"), expr: periodEvents(slo, "all"), labels: slo.labels },
      { record: SLO_SERIES.errorRatio("period"), expr: ratioOf(slo, periodEvents(slo, "bad"), periodAll), labels: slo.labels },
      ...others.map((w) => ({ record: SLO_SERIES.errorRatio(w), expr: ratioOf(slo, historyEvents(slo, "bad", w), `(${historyEvents(slo, "all", w)})`), labels: slo.labels })),
      { record: SLO_SERIES.budgetRemaining, expr: `1 - (${spent(slo, period)})`, labels: slo.labels },
    ];
  });
}

/**
 * Share of the period's budget spent: bad events out of the events the period allows, with
 * the uncovered part of a young history counting as error-free traffic at the observed rate:
 * bad / (budget × all / coverage) = ratio × coverage / budget, coverage being the share of the
 * period since the SLI's history began.
 */
function spent(slo: Slo, period: string): string {
  // A calendar period: its part so far, out of its whole length (the rest counts as error-free traffic at the observed rate).
  const clock = slo.calendar && periodClock(slo.calendar);
  const coverage = clock
    ? `clamp_max(time() - (${firstSeen(slo, period)}), scalar(${clock.elapsed})) / scalar(${clock.length})`
    : `clamp_max((time() - (${firstSeen(slo, period)})) / ${durationSeconds(period)}, 1)`;
  return `${agg(slo, slo.of(SLO_SERIES.errorRatio("period")))} * ${on(slo)} ${coverage} / ${slo.budget}`;
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
 * Plane roll-ups of the history group over each SLO's period: availability, and the budget
 * remaining, weighing each service by its traffic (the budget each spent, times its events).
 */
export function planeHistoryRules(plane: Plane): RecordingRule[] {
  const only = { [LABELS.plane]: plane };
  const sum = (expr: string) => `sum by (${LABELS.plane}, ${LABELS.slo}) (${expr})`;
  const [ratio, all, remaining] = [SLO_SERIES.errorRatio("period"), SLO_SERIES.requests("period"), SLO_SERIES.budgetRemaining].map((m) => selector(m, only));
  return [
    { record: SLO_SERIES.plane.availability(plane, "period"), expr: `1 - (${safeRatio(sum(`${ratio} * ${all}`), sum(all))})` },
    { record: SLO_SERIES.plane.budgetRemaining(plane), expr: `1 - (${safeRatio(sum(`(1 - ${remaining}) * ${all}`), sum(all))})` },
  ];
}

/** One series per maintenance window, present (1) while it is on: what the dashboards and the review mark. */
export function maintenanceRules(settings: Settings): RecordingRule[] {
  const windows = new Map(settings.services.flatMap((s) => s.maintenance).map((w) => [w.name, w]));
  return [...windows.values()].map((w) => ({ record: SLO_SERIES.maintenance, expr: `${inWindows([w])} > 0`, labels: { [LABELS.maintenance]: w.name } }));
}

export const planesOf = (settings: Settings): Plane[] => [...new Set(settings.services.map((s) => s.plane))];
