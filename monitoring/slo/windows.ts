// How each SLO window is computed, and the burn-rate conditions of settings slo.alerting.
//
// - Windows up to 1h (5m, 30m, 1h) are read from raw series, fresh at every evaluation:
//   they are the paging windows and must see an outage within seconds.
// - Longer windows and the period come from running totals kept one 5-minute slot at a time
//   (SLO_SERIES.cumulative): each evaluation adds the last 5 minutes' increase to the total of
//   5 minutes before, so a window of any length is the difference of two samples, exact (the
//   slots of one total tile time with no gap or overlap) and as cheap for 30 days as for 2
//   hours. The group runs every minute, so five interleaved totals each stay exact and the
//   latest is at most a minute old (promtool, which runs every group at every step, keeps as
//   many as it has steps per slot, each exact too). Missing history counts as nothing spent:
//   before a total is a window old, the window is everything since monitoring began.
import { burnFactor, type Settings } from "../../settings";
import { durationSeconds } from "../duration";
import type { Slo } from "./objectives";
import { num } from "../promql";

/** The building block of every longer window. */
export const SLOT = "5m";
export const SLOT_SECONDS = durationSeconds(SLOT);
/** How often the totals are kept (a divisor of SLOT): the staleness of every long window. */
export const TOTALS_INTERVAL = "1m";
/** Windows up to this long are read from raw series. */
export const RAW_MAX_SECONDS = 3600;
/**
 * How far back a total looks for its previous value when the one a slot ago is missing (a
 * Prometheus restart): 60 samples at one a minute. After a longer gap the totals start again.
 */
export const RESUME_WINDOW = "1h";

export const isRaw = (window: string): boolean => durationSeconds(window) <= RAW_MAX_SECONDS;
export const periodWindow = (slo: Slo): string => `${slo.periodDays}d`;

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

/** Windows whose error ratio is recorded: raw ones (besides the 5m rates) and long ones, from the alert conditions. */
export function recordedWindows(settings: Settings): { raw: string[]; long: string[] } {
  const a = settings.slo.alerting;
  const all = [...new Set([...a.page, ...a.ticket].flatMap((p) => [p.long, p.short]))].sort((x, y) => durationSeconds(x) - durationSeconds(y));
  return { raw: all.filter((w) => isRaw(w) && w !== SLOT), long: all.filter((w) => !isRaw(w)) };
}
