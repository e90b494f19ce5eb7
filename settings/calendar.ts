// Calendar-aligned SLO periods (`period: {calendar: month | week}`): the budget restarts at the
// start of each month or week (Monday 00:00), in UTC or a fixed offset. Burn factors take the
// period's nominal length, 30 days for a month and 7 for a week.
import { zoneOffset } from "./maintenance";

export interface Calendar {
  unit: "month" | "week";
  /** The zone's offset from UTC, seconds. */
  offsetSeconds: number;
}

/** Days a calendar period counts as for burn factors. */
export const CALENDAR_DAYS: Record<Calendar["unit"], number> = { month: 30, week: 7 };
/** Days of history the longest period of the unit needs. */
export const CALENDAR_MAX_DAYS: Record<Calendar["unit"], number> = { month: 31, week: 7 };

/** An SLO's period as written: rolling days, or a calendar period. */
export interface PeriodSetting {
  periodDays?: number;
  period?: { calendar: Calendar["unit"]; timeZone: string };
}

/** Days an SLO's period counts as for burn factors: its calendar period's nominal length, or its own days (none: the stack's). */
export const periodDaysOf = (def: PeriodSetting): number | undefined => (def.period ? CALENDAR_DAYS[def.period.calendar] : def.periodDays);

/** The period in the rules' form; its zone is checked at load (settings/checks/slo.ts). */
export function calendarOf(period: { calendar: Calendar["unit"]; timeZone: string } | undefined): Calendar | undefined {
  if (!period) return undefined;
  const zone = zoneOffset(period.timeZone);
  return { unit: period.calendar, offsetSeconds: "seconds" in zone ? zone.seconds : 0 };
}
