// Maintenance windows (settings slo.maintenance) in PromQL: whether an instant lies in one, as a
// function of time(), so a subquery reads it at every step of a window's history; and alert
// expressions that stay silent for the services inside one.
import { WEEK, type MaintenanceWindow, type ResolvedService } from "../settings";
import { LABELS } from "./conventions";
import { escapeRegex, selector } from "./promql";

/**
 * Seconds from 1969-12-22T00:00:00Z, a Monday, to the epoch: weekly starts count from that Monday,
 * early enough that the time since it is positive for every instant since 1970 (PromQL's `%`
 * keeps the dividend's sign).
 */
export const SINCE_MONDAY = 864_000;

/**
 * 1 while the second before the evaluation instant lies in one of the windows, else 0 (one
 * series without labels). At a grid step it says whether the step's interval lies in a window:
 * window edges sit on quarter hours, so on every grid's points.
 */
export function inWindows(windows: readonly MaintenanceWindow[]): string {
  const t = "vector(time() - 1)";
  const terms = windows.flatMap((w) =>
    w.once ? [`(${t} >= bool ${w.once.from}) * (${t} < bool ${w.once.to})`] : w.weekly!.starts.map((s) => `((${t} + ${SINCE_MONDAY - s}) % ${WEEK} < bool ${w.weekly!.seconds})`),
  );
  return terms.length === 1 ? terms[0] : `clamp_max(${terms.join(" + ")}, 1)`;
}

/** What a window silences: the SLO alerts of its services, or every alert of them. */
export type Silence = MaintenanceWindow["silence"];
const silences = (w: MaintenanceWindow, scope: Silence) => scope === "slo" || w.silence === "all";

/**
 * An alert expression silent for the services inside a window that silences `scope`. `bySeries`:
 * its series carry the `service` label (a rule shared by several services), so only those
 * inside are dropped, picked by their `up` series; otherwise the rule is one service's.
 */
export function silenced(expr: string, services: readonly ResolvedService[], scope: Silence, bySeries: boolean): string {
  const windows = new Map<string, { window: MaintenanceWindow; services: ResolvedService[] }>();
  for (const svc of services) {
    for (const w of svc.maintenance.filter((x) => silences(x, scope))) {
      const entry = windows.get(w.name) ?? { window: w, services: [] };
      entry.services.push(svc);
      windows.set(w.name, entry);
    }
  }
  if (windows.size === 0) return expr;
  const unless = [...windows.values()].map(({ window, services: inside }) => {
    const during = `(${inWindows([window])} > 0)`;
    if (!bySeries) return `unless on () ${during}`;
    const ups = [...new Set(inside.map((s) => s.metrics.up))].map(escapeRegex).join("|");
    const names = inside.map((s) => escapeRegex(s.name)).join("|");
    return `unless on (${LABELS.service}) (group by (${LABELS.service}) (${selector("", {}, { __name__: ups, [LABELS.service]: names })}) and on () ${during})`;
  });
  return `(${expr}) ${unless.join(" ")}`;
}
