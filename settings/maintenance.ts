// Maintenance windows as the rules read them: a one-off window as UTC instants, a weekly one as
// its starts in seconds after Monday 00:00 UTC; a time zone as its fixed offset, or the reason it
// is refused. A zone with daylight saving time is refused: PromQL has no time zones, and a weekly
// window written in local time would move by an hour across each change.
import type { Maintenance } from "./schema";
import { WEEKDAYS } from "./schema";
import { durationSeconds } from "./duration";

/** The grid the long windows are read on: window edges must sit on it. */
export const QUARTER_HOUR = 900;
export const WEEK = 7 * 86_400;

export interface MaintenanceWindow {
  name: string;
  silence: "slo" | "all";
  /** One-off: [from, to) in Unix seconds. */
  once?: { from: number; to: number };
  /** Weekly: each start as seconds after Monday 00:00 UTC, and how long it lasts. */
  weekly?: { starts: number[]; seconds: number };
}

const OFF_THE_GRID = "must be on a quarter hour (:00, :15, :30 or :45): the history is read on a 15-minute grid";
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const FIXED = /^([+-])(\d{2}):(\d{2})$/;

/** Offsets a zone had over two decades, as "+01:00" strings (Intl names them GMT+01:00, or GMT for 0). */
function offsetsOf(zone: string): string[] {
  const format = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" });
  const seen = new Set<string>();
  for (let year = 2020; year <= 2040; year++) {
    for (const month of [0, 6]) {
      const name = format.formatToParts(Date.UTC(year, month, 15)).find((p) => p.type === "timeZoneName")!.value;
      seen.add(name === "GMT" ? "+00:00" : name.replace("GMT", ""));
    }
  }
  return [...seen];
}

/** A zone's fixed offset from UTC in seconds, or what is wrong with it. */
export function zoneOffset(zone: string): { seconds: number } | { problem: string } {
  let offset = zone === "UTC" || zone === "Z" ? "+00:00" : zone;
  if (!FIXED.test(offset)) {
    let offsets: string[];
    try {
      offsets = offsetsOf(zone);
    } catch {
      return { problem: "must be UTC, a fixed offset such as +05:30, or an IANA time zone such as Asia/Kolkata" };
    }
    if (offsets.length > 1) {
      return { problem: `must be UTC, a fixed offset or a zone without daylight saving time: ${zone} observes it (UTC${offsets.join(" and UTC")}), so a weekly window in its local time would move by an hour at each change; write the window in UTC or a fixed offset such as ${offsets[0]}` };
    }
    offset = offsets[0];
  }
  const [, sign, hours, minutes] = FIXED.exec(offset)!;
  return { seconds: (sign === "-" ? -1 : 1) * (Number(hours) * 3600 + Number(minutes) * 60) };
}

/** An RFC 3339 instant with a zone, as Unix seconds, or what is wrong with it. */
function instant(text: string): { seconds: number } | { problem: string } {
  const ms = RFC3339.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) return { problem: "must be an RFC 3339 instant with its zone, such as 2026-12-13T22:00:00Z or 2026-12-13T23:00:00+01:00" };
  if ((ms / 1000) % QUARTER_HOUR !== 0) return { problem: OFF_THE_GRID };
  return { seconds: ms / 1000 };
}

/** The window in the rules' form, or the problems of its fields (by field name). */
export function normalise(m: Maintenance): { window: MaintenanceWindow } | { problems: { field: string[]; value: unknown; message: string }[] } {
  const problems: { field: string[]; value: unknown; message: string }[] = [];
  const base = { name: m.name, silence: m.silence };
  const oneOff = m.start !== undefined || m.end !== undefined;
  if (oneOff === (m.weekly !== undefined)) {
    return { problems: [{ field: [], value: m, message: "must have either start and end (one-off) or weekly (recurring), not both" }] };
  }
  if (oneOff) {
    if (m.start === undefined || m.end === undefined) return { problems: [{ field: [m.start === undefined ? "start" : "end"], value: undefined, message: "is required with a one-off window's other end" }] };
    const [from, to] = [instant(m.start), instant(m.end)];
    if ("problem" in from) problems.push({ field: ["start"], value: m.start, message: from.problem });
    if ("problem" in to) problems.push({ field: ["end"], value: m.end, message: to.problem });
    if ("seconds" in from && "seconds" in to && to.seconds <= from.seconds) problems.push({ field: ["end"], value: m.end, message: `must be after start (${m.start})` });
    return problems.length > 0 || !("seconds" in from && "seconds" in to) ? { problems } : { window: { ...base, once: { from: from.seconds, to: to.seconds } } };
  }
  const w = m.weekly!;
  const zone = zoneOffset(w.timeZone);
  if ("problem" in zone) problems.push({ field: ["weekly", "timeZone"], value: w.timeZone, message: zone.problem });
  const [hh, mm] = w.start.split(":").map(Number);
  if (mm % 15 !== 0) problems.push({ field: ["weekly", "start"], value: w.start, message: OFF_THE_GRID });
  const seconds = durationSeconds(w.duration);
  if (seconds <= 0 || seconds % QUARTER_HOUR !== 0 || seconds >= WEEK) problems.push({ field: ["weekly", "duration"], value: w.duration, message: "must be a whole number of quarter hours, shorter than a week, such as 2h or 45m" });
  if (problems.length > 0 || !("seconds" in zone)) return { problems };
  const starts = [...new Set(w.days)].map((d) => (((WEEKDAYS.indexOf(d) * 86_400 + hh * 3600 + mm * 60 - zone.seconds) % WEEK) + WEEK) % WEEK);
  return { window: { ...base, weekly: { starts, seconds } } };
}

/** Whether a window covers a service: it names it, or names none. */
export const covers = (m: Maintenance, service: string): boolean => m.services === undefined || m.services.includes(service);
