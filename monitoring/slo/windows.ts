// How each window's rates are computed. Only the paging windows read raw counters; every
// longer window averages a shorter recorded rate at steps one building window apart. Those
// steps do not overlap, so the average is the rate over the whole window (a traffic-weighted
// ratio once errors and requests are divided), and each evaluation reads window/step samples
// per series instead of every raw sample in the window.
import type { Settings } from "../../settings";
import type { SloWindow } from "../conventions";

/** Windows read from raw counters, evaluated at the global evaluation interval. */
export const RAW_WINDOWS = ["5m", "30m", "1h"] as const satisfies readonly SloWindow[];
export type RawWindow = (typeof RAW_WINDOWS)[number];

export interface DerivedWindow {
  window: Exclude<SloWindow, RawWindow>;
  /** The PromQL range of the window, e.g. `6h` or `30d` for the period. */
  range: string;
  /** The recorded raw window averaged, also the subquery step. */
  from: RawWindow;
}

/**
 * Interval of the group holding derived windows: frequent enough that their samples never go
 * stale for the alerts reading them (lookback is 5m), rare enough to keep them cheap.
 */
export const DERIVED_INTERVAL = "1m";

// Every window of SLO_WINDOWS that is not raw, by type. Steps of 5m keep the 6h page window and the 2h ticket window within minutes of the raw
// data; 30m and 1h steps suffice for the day-long ticket windows and the period budget.
const STEP: Record<DerivedWindow["window"], RawWindow> = { "2h": "5m", "6h": "5m", "1d": "30m", "3d": "30m", period: "1h" };

export function derivedWindows(settings: Settings): DerivedWindow[] {
  return (Object.keys(STEP) as DerivedWindow["window"][]).map((window) => ({
    window,
    range: window === "period" ? `${settings.slo.periodDays}d` : window,
    from: STEP[window],
  }));
}
