// The last step of loading: every service with its job and SLOs resolved against the stack's
// defaults, and the whole object frozen so no reader changes what another reads.
import { RawSettings } from "./schema";
import { Calendar, PeriodSetting, calendarOf, periodDaysOf } from "./calendar";
import { covers, MaintenanceWindow, normalise } from "./maintenance";
import { ResolvedService } from "./types";

/** A service's scrape job: its own, or `<plane>-plane-<name>`. */
export const jobOf = (svc: { job?: string; plane: string; name: string }): string => svc.job ?? `${svc.plane}-plane-${svc.name}`;

/** An SLO's period: its calendar one, else its own or the stack's rolling days. */
function periodOf(slo: PeriodSetting, days: number): { periodDays: number; calendar?: Calendar } {
  const calendar = calendarOf(slo.period);
  return { periodDays: periodDaysOf(slo) ?? days, ...(calendar ? { calendar } : {}) };
}

export function resolveServices(s: RawSettings): ResolvedService[] {
  const period = s.slo.periodDays;
  return s.services.map(({ job, slo, ...svc }) => {
    const availability = slo?.availability ?? s.slo.availability;
    return {
      ...svc,
      job: jobOf({ job, ...svc }),
      // Checked before resolution: every window normalises.
      maintenance: s.slo.maintenance.filter((m) => covers(m, svc.name)).map((m) => (normalise(m) as { window: MaintenanceWindow }).window),
      slo: {
        availability:
          availability === false
            ? false
            : {
                objective: availability.objective,
                ...periodOf(availability, period),
                // A service's own availability SLO without tiers keeps the stack's.
                ...((availability.tiers ?? s.slo.availability.tiers) ? { tiers: availability.tiers ?? s.slo.availability.tiers } : {}),
              },
        latency: (slo?.latency ?? s.slo.latency).map((l) => ({ ...l, ...periodOf(l, period), metric: l.metric ?? svc.metrics.duration })),
        events: (slo?.events ?? []).map((e) => ({ ...e, ...periodOf(e, period) })),
        timeslices: (slo?.timeslices ?? []).map((t) => ({ ...t, ...periodOf(t, period) })),
      },
    };
  });
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
