// OpenSLO `kind: SLO` documents: v1alpha as Sloth reads it (spec.objectives[].ratioMetrics
// {good, total}, spec.timeWindows[{count, unit}]) and v1 (spec.indicator or spec.indicatorRef
// to a `kind: SLI` document, ratioMetric {counter, good|bad, total}, spec.timeWindow
// [{duration, isRolling, calendar}], spec.alertPolicies with burn-rate AlertConditions, inline
// or by reference to `kind: AlertPolicy` and `kind: AlertCondition` documents). Only ratio SLIs
// over Prometheus queries, counted by occurrences in rolling windows of whole days or in a
// calendar month or week, can be expressed, and alert conditions only as the stack's burn-rate
// tiers (turned on with a severity, or off); anything else is refused, naming the document, the
// field and why.
import { burnFactor } from "../burn";
import { CALENDAR_DAYS } from "../calendar";
import { zoneOffset } from "../maintenance";
import { durationSeconds } from "../duration";
import { rateOfCounters } from "../promql";
import { show } from "../errors";
import type { Severity, Settings } from "../index";
import type { Tiers } from "../types";
import { ImportError, ImportedService, ImportedSlo, byService, percentOf } from "./entries";
import { isObject, type Json } from "./json";

/** The burn-rate conditions alert policies map onto: the stack's slo.alerting. */
export type Alerting = Settings["slo"]["alerting"];

const obj = (v: unknown): Json => (isObject(v) ? v : {});

/**
 * bad = total - good, each side summed first: a failing request's series (code="500") exists only
 * on the total side, so a series-by-series subtraction would drop every failure.
 */
const badFromGood = (good: string, total: string) => `sum(${total}) - sum(${good})`;

function days(where: string, count: unknown, unit: unknown): number {
  const perUnit: Record<string, number> = { Day: 1, Week: 7, d: 1, w: 7 };
  if (typeof count !== "number" || typeof unit !== "string" || !(unit in perUnit)) {
    throw new ImportError(`${where}: the time window ${show({ count, unit })} is not a whole number of days or weeks`);
  }
  return count * perUnit[unit];
}

function budgeting(where: string, spec: Json): void {
  const method = spec.budgetingMethod ?? "Occurrences";
  if (method !== "Occurrences") {
    throw new ImportError(`${where}: budgetingMethod ${show(method)} cannot be imported; the stack's time-slice SLOs (services[].slo.timeslices) judge each slice by the service's request metrics or histogram, not by a ratio of any two queries`);
  }
}

function v1alpha(doc: Json, where: string): { service: string; slo: ImportedSlo }[] {
  const spec = obj(doc.spec);
  const name = String(obj(doc.metadata).name ?? "");
  budgeting(where, spec);
  const windows = Array.isArray(spec.timeWindows) ? spec.timeWindows.map(obj) : [];
  if (windows.length !== 1) throw new ImportError(`${where}: needs exactly one timeWindows entry`);
  if (windows[0].isRolling === false || windows[0].calendar) throw new ImportError(`${where}: calendar time windows cannot be imported; SLO periods here are rolling`);
  const periodDays = days(where, windows[0].count, windows[0].unit);
  const objectives = Array.isArray(spec.objectives) ? spec.objectives.map(obj) : [];
  return objectives.map((o, i) => {
    const at = `${where}: objectives[${i}]`;
    if (o.thresholdMetric) throw new ImportError(`${at}: a threshold metric cannot be imported; only ratio SLIs (good and total events) can`);
    const ratio = obj(o.ratioMetrics);
    const good = obj(ratio.good).query;
    const total = obj(ratio.total).query;
    if (typeof good !== "string" || typeof total !== "string") throw new ImportError(`${at}: ratioMetrics needs good.query and total.query`);
    for (const side of [ratio.good, ratio.total].map(obj)) {
      if (side.source !== undefined && String(side.source).toLowerCase() !== "prometheus") throw new ImportError(`${at}: source ${show(side.source)} is not Prometheus`);
    }
    if (typeof o.target !== "number") throw new ImportError(`${at}: target is missing (a ratio, e.g. 0.999)`);
    return { service: String(spec.service ?? ""), slo: { name: objectives.length === 1 ? name : `${name}-${i}`, objective: percentOf(o.target), periodDays, errors: badFromGood(good, total), total } };
  });
}

/** A v1 ratioMetric side's Prometheus query, turned into a rate when the metric is a raw counter. */
function query(at: string, side: unknown, counter: boolean): string {
  const source = obj(obj(side).metricSource);
  if (String(source.type ?? "").toLowerCase() !== "prometheus") throw new ImportError(`${at}: metricSource type ${show(source.type)} is not Prometheus`);
  const q = obj(source.spec).query;
  if (typeof q !== "string") throw new ImportError(`${at}: metricSource.spec.query is missing`);
  return counter ? rateOfCounters(q) : q;
}

/** The documents of a v1 file that others name: SLIs, alert policies and alert conditions. */
type Library = Record<"SLI" | "AlertPolicy" | "AlertCondition", Map<string, Json>>;

/** OpenSLO severities (free text) as the stack's: a page is critical, a ticket a warning. */
const SEVERITY: Record<string, Severity> = { page: "critical", critical: "critical", ticket: "warning", warning: "warning", info: "info" };

/** An inline document of a kind, or the library's document a `<ref>` field names. */
function resolve(at: string, item: unknown, kind: keyof Library, ref: string, library: Library): { at: string; doc: Json } {
  const o = obj(item);
  if (typeof o[ref] === "string") {
    const doc = library[kind].get(o[ref]);
    if (!doc) throw new ImportError(`${at}: ${ref} ${show(o[ref])} names no kind: ${kind} document in the file`);
    return { at: `${kind} ${show(o[ref])}`, doc };
  }
  if (o.kind !== kind) throw new ImportError(`${at}: must be an inline kind: ${kind} or a ${ref}`);
  return { at: `${at} (${kind} ${show(obj(o.metadata).name ?? "")})`, doc: o };
}

/**
 * The SLO's alert policies as burn-rate tiers: each burnrate condition must be one of the
 * stack's tiers (its lookback window a tier's long window, its threshold that tier's factor for
 * the period); it keeps that tier on with the condition's severity, and every tier no
 * condition names is turned off. Without policies the SLO keeps the stack's tiers.
 */
function tiersOf(where: string, spec: Json, periodDays: number, library: Library, alerting: Alerting): { tiers?: Tiers; notes: string[] } {
  const policies = Array.isArray(spec.alertPolicies) ? spec.alertPolicies : [];
  if (policies.length === 0) return { notes: [] };
  const stack = [...alerting.page, ...alerting.ticket].map((p) => ({ ...p, factor: burnFactor(p, periodDays) }));
  const described = stack.map((t) => `${t.long} at ${Number(t.factor.toPrecision(6))}x`).join(", ");
  const tiers: Tiers = Object.fromEntries(stack.map((t) => [t.long, false]));
  const notes: string[] = [];
  policies.forEach((p, i) => {
    const policy = resolve(`${where}: alertPolicies[${i}]`, p, "AlertPolicy", "alertPolicyRef", library);
    const pspec = obj(policy.doc.spec);
    if (Array.isArray(pspec.notificationTargets) && pspec.notificationTargets.length > 0) notes.push(`${policy.at}: notificationTargets are not carried over; alerts reach teams by notifications.routing`);
    const conditions = Array.isArray(pspec.conditions) ? pspec.conditions : [];
    if (conditions.length === 0) throw new ImportError(`${policy.at}: spec.conditions is empty; a policy needs a burnrate condition`);
    conditions.forEach((c, j) => {
      const condition = resolve(`${policy.at}: conditions[${j}]`, c, "AlertCondition", "conditionRef", library);
      const at = condition.at;
      const cspec = obj(condition.doc.spec);
      const cond = obj(cspec.condition);
      if (cond.kind !== "burnrate") throw new ImportError(`${at}: spec.condition.kind ${show(cond.kind)} cannot be imported; only burnrate conditions map to burn-rate tiers`);
      if (cond.op !== "gte" && cond.op !== "gt") throw new ImportError(`${at}: spec.condition.op ${show(cond.op)} cannot be imported; a burn-rate tier fires when the burn rate is at or above its factor (gte)`);
      const lookback = typeof cond.lookbackWindow === "string" && /^\d+[smhdw]$/.test(cond.lookbackWindow) ? durationSeconds(cond.lookbackWindow) : NaN;
      const tier = stack.find((t) => durationSeconds(t.long) === lookback && typeof cond.threshold === "number" && Math.abs(t.factor - cond.threshold) <= 1e-6 * t.factor);
      if (!tier) throw new ImportError(`${at}: a burn rate of ${show(cond.threshold)} over ${show(cond.lookbackWindow)} is no burn-rate tier of this stack; the tiers are ${described} for a ${periodDays}-day period (slo.alerting: add it there, or drop the condition)`);
      const severity = SEVERITY[String(cspec.severity ?? "").toLowerCase()];
      if (!severity) throw new ImportError(`${at}: spec.severity ${show(cspec.severity)} cannot be imported; it must be one of ${Object.keys(SEVERITY).join(", ")}`);
      tiers[tier.long] = { severity };
      if (cond.alertAfter !== undefined && cond.alertAfter !== tier.short) notes.push(`${at}: alertAfter ${show(cond.alertAfter)} is not carried over; tier ${tier.long} confirms a burn over its short window ${tier.short}`);
    });
  });
  return { tiers, notes };
}

/** The instant a calendar window names ("2022-01-03 00:00:00") as its wall-clock fields. */
const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * A v1 time window as the SLO's period: rolling whole days or weeks, or a calendar month (1M) or
 * week (1w) starting at 00:00 on the 1st or on a Monday, in UTC or a zone with a fixed offset.
 */
function periodOf(where: string, w: Json): { periodDays: number } | { period: { calendar: "month" | "week"; timeZone: string } } {
  if (w.isRolling === true && !w.calendar) {
    const duration = /^(\d+)([dw])$/.exec(String(w.duration ?? ""));
    if (!duration) throw new ImportError(`${where}: the time window duration ${show(w.duration)} is not whole days or weeks (e.g. 28d)`);
    return { periodDays: days(where, Number(duration[1]), duration[2]) };
  }
  if (!w.calendar) throw new ImportError(`${where}: a time window that is not rolling needs a calendar`);
  const calendar = { "1M": "month", "1w": "week", "7d": "week" }[String(w.duration)] as "month" | "week" | undefined;
  if (!calendar) throw new ImportError(`${where}: a calendar time window of ${show(w.duration)} cannot be imported; calendar periods here are a month (1M) or a week (1w)`);
  const c = obj(w.calendar);
  const timeZone = typeof c.timeZone === "string" ? c.timeZone : "UTC";
  const zone = zoneOffset(timeZone);
  if ("problem" in zone) throw new ImportError(`${where}: timeWindow calendar.timeZone ${show(timeZone)} ${zone.problem}`);
  if (c.startTime !== undefined) {
    const m = WALL_CLOCK.exec(String(c.startTime));
    const day = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).getUTCDay() : -1;
    const midnight = m !== null && m[4] === "00" && m[5] === "00" && (m[6] ?? "00") === "00";
    if (!midnight || (calendar === "month" ? m![3] !== "01" : day !== 1)) {
      throw new ImportError(`${where}: timeWindow calendar.startTime ${show(c.startTime)} cannot be imported; a calendar ${calendar} here starts at 00:00 on ${calendar === "month" ? "the 1st" : "Monday"}`);
    }
  }
  return { period: { calendar, timeZone } };
}

function v1(doc: Json, where: string, library: Library, alerting: Alerting): { service: string; slo: ImportedSlo; notes: string[] }[] {
  const slis = library.SLI;
  const spec = obj(doc.spec);
  const name = String(obj(doc.metadata).name ?? "");
  budgeting(where, spec);
  const windows = Array.isArray(spec.timeWindow) ? spec.timeWindow.map(obj) : [];
  if (windows.length !== 1) throw new ImportError(`${where}: needs exactly one timeWindow entry`);
  const period = periodOf(where, windows[0]);
  const periodDays = "periodDays" in period ? period.periodDays : CALENDAR_DAYS[period.period.calendar];
  let indicator = obj(spec.indicator);
  if (typeof spec.indicatorRef === "string") {
    const ref = slis.get(spec.indicatorRef);
    if (!ref) throw new ImportError(`${where}: indicatorRef ${show(spec.indicatorRef)} names no kind: SLI document in the file`);
    indicator = ref;
  }
  const sliSpec = obj(indicator.spec);
  if (sliSpec.thresholdMetric) throw new ImportError(`${where}: a threshold metric cannot be imported; only ratio SLIs (good or bad, and total) can`);
  const ratio = obj(sliSpec.ratioMetric);
  if (ratio.raw) throw new ImportError(`${where}: ratioMetric.raw (a ratio computed elsewhere) cannot be imported; the stack needs good or bad events and total events`);
  if (!ratio.total || (!ratio.good && !ratio.bad)) throw new ImportError(`${where}: the indicator needs a ratioMetric with total and good or bad`);
  const counter = ratio.counter === true;
  const total = query(`${where}: ratioMetric.total`, ratio.total, counter);
  const errors = ratio.bad ? query(`${where}: ratioMetric.bad`, ratio.bad, counter) : badFromGood(query(`${where}: ratioMetric.good`, ratio.good, counter), total);
  const objectives = Array.isArray(spec.objectives) ? spec.objectives.map(obj) : [];
  const { tiers, notes } = tiersOf(where, spec, periodDays, library, alerting);
  return objectives.map((o, i) => {
    if (typeof o.target !== "number") throw new ImportError(`${where}: objectives[${i}].target is missing (a ratio, e.g. 0.999)`);
    if (o.timeSliceTarget !== undefined) throw new ImportError(`${where}: objectives[${i}] has time slices, which cannot be imported`);
    const slo = { name: objectives.length === 1 ? name : `${name}-${i}`, objective: percentOf(o.target), ...period, ...(tiers ? { tiers } : {}), errors, total };
    return { service: String(spec.service ?? ""), slo, notes: i === 0 ? notes : [] };
  });
}

/** Every `kind: SLO` of a (possibly multi-document) OpenSLO file. */
export function fromOpenSlo(docs: unknown[], where: string, alerting: Alerting): ImportedService[] {
  const all = docs.map(obj);
  const named = (kind: keyof Library) => new Map(all.filter((d) => d.kind === kind).map((d) => [String(obj(d.metadata).name), d]));
  const library: Library = { SLI: named("SLI"), AlertPolicy: named("AlertPolicy"), AlertCondition: named("AlertCondition") };
  const slos = all.map((d, i) => ({ d, at: docs.length > 1 ? `${where} (document ${i + 1})` : where })).filter(({ d }) => d.kind === "SLO");
  if (slos.length === 0) throw new ImportError(`${where}: no kind: SLO document`);
  return byService(
    slos.flatMap(({ d, at }) => {
      if (d.apiVersion === "openslo/v1alpha") return v1alpha(d, at);
      if (d.apiVersion === "openslo/v1") return v1(d, at, library, alerting);
      throw new ImportError(`${at}: apiVersion ${show(d.apiVersion)} is not openslo/v1alpha or openslo/v1`);
    }),
  );
}
