// How each SLO window is computed, and the burn-rate conditions of settings slo.alerting.
//
// - Windows up to 1h (5m, 30m, 1h) are read from raw series at every evaluation: they are the
//   paging windows and must see an outage within seconds.
// - Longer windows and the period are read from raw history too, by the history group every
//   HISTORY_INTERVAL: the counters sampled on a grid (a subquery, `rate(x[3d:5m])`), every
//   FINE_STEP over the last SEAM and every COARSE_STEP before it. Nothing is carried from one
//   evaluation to the next, so the figures are right from the group's first evaluation on a
//   Prometheus (or AMP workspace) that already holds history, after a restart, after a gap of
//   any length and on every HA replica alike; a gap in monitoring loses at most the gap.
//   Two edge terms move each window to end at the evaluation instant: every counter's increase
//   since the newest grid point, now and a window ago. What sampling costs: a counter reset
//   loses the events between the last grid point before it and the reset (at most a step of
//   one instance's events).
// - Missing history counts as nothing spent: before the period is covered, the budget is
//   spent as if the uncovered part had the observed traffic without errors.
import { burnFactor, CALENDAR_MAX_DAYS, type Settings } from "../../settings";
import { durationSeconds } from "../duration";
import type { Slo } from "./objectives";
import { num } from "../promql";

/** The window of the 5m rates, the freshest signal. */
export const SLOT = "5m";
export const SLOT_SECONDS = durationSeconds(SLOT);
/** Windows up to this long are read from raw series at every evaluation. */
export const RAW_MAX_SECONDS = 3600;
/** Grid on which maintenance windows are taken out of the raw windows. */
export const RAW_STEP = "1m";
/** How often the history group reads the long windows, the period and the budget. */
export const HISTORY_INTERVAL = "5m";
/** Grid of the last SEAM of every long window, and of the windows no longer than it. */
export const FINE_STEP = "5m";
/** Grid of the part of a window older than SEAM: a third of the samples for 29 of 30 days. */
export const COARSE_STEP = "15m";
/** One day: the SLO review sums its events day by day. */
export const SEAM = "1d";
/** Grid of the history's age before SEAM (how much of the period is covered). */
export const AGE_STEP = "1h";

export const isRaw = (window: string): boolean => durationSeconds(window) <= RAW_MAX_SECONDS;
export const isFine = (window: string): boolean => durationSeconds(window) <= durationSeconds(SEAM);
/** The history an SLO's period reads: its rolling days, or the longest calendar period of its unit. */
export const periodWindow = (slo: Slo): string => `${slo.calendar ? CALENDAR_MAX_DAYS[slo.calendar.unit] : slo.periodDays}d`;

export interface BurnPair {
  long: string;
  short: string;
  /** Burn rate both windows must exceed: share of the budget × period ÷ long window. */
  factor: number;
  /** The error ratio that burns at `factor`: factor × budget. */
  threshold: number;
}

/** The burn-rate conditions of one kind (page or ticket) for an SLO, factors from its period. */
export function burnPairs(settings: Settings, kind: "page" | "ticket", slo: Slo): BurnPair[] {
  return settings.slo.alerting[kind].map((p) => {
    const factor = burnFactor(p, slo.periodDays);
    return { long: p.long, short: p.short, factor, threshold: num(factor * slo.budget) };
  });
}

/** The burn-rate tiers (the `burn_tier` label: each condition's long window), fastest first. */
export const burnTiers = (settings: Settings): string[] =>
  [...settings.slo.alerting.page, ...settings.slo.alerting.ticket].map((p) => p.long).sort((x, y) => durationSeconds(x) - durationSeconds(y));

/** Windows whose error ratio is recorded: raw ones (besides the 5m rates) and long ones, from the alert conditions. */
export function recordedWindows(settings: Settings): { raw: string[]; long: string[] } {
  const a = settings.slo.alerting;
  const all = [...new Set([...a.page, ...a.ticket].flatMap((p) => [p.long, p.short]))].sort((x, y) => durationSeconds(x) - durationSeconds(y));
  return { raw: all.filter((w) => isRaw(w) && w !== SLOT), long: all.filter((w) => !isRaw(w)) };
}
