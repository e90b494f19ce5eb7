// OpenSLO `kind: SLO` documents: v1alpha as Sloth reads it (spec.objectives[].ratioMetrics
// {good, total}, spec.timeWindows[{count, unit}]) and v1 (spec.indicator or spec.indicatorRef
// to a `kind: SLI` document, ratioMetric {counter, good|bad, total}, spec.timeWindow
// [{duration, isRolling}]). Only ratio SLIs over Prometheus queries, counted by occurrences in
// rolling windows of whole days, can be expressed; anything else is refused, naming it.
import { rateOfCounters } from "../promql";
import { show } from "../errors";
import { ImportError, ImportedService, ImportedSlo, byService, percentOf } from "./entries";
import { isObject, type Json } from "./json";

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
    throw new ImportError(`${where}: budgetingMethod ${show(method)} cannot be imported; this stack counts events (Occurrences), not good time slices`);
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

function v1(doc: Json, where: string, slis: Map<string, Json>): { service: string; slo: ImportedSlo }[] {
  const spec = obj(doc.spec);
  const name = String(obj(doc.metadata).name ?? "");
  budgeting(where, spec);
  const windows = Array.isArray(spec.timeWindow) ? spec.timeWindow.map(obj) : [];
  if (windows.length !== 1) throw new ImportError(`${where}: needs exactly one timeWindow entry`);
  if (windows[0].isRolling !== true || windows[0].calendar) throw new ImportError(`${where}: calendar time windows cannot be imported; SLO periods here are rolling (isRolling: true)`);
  const duration = /^(\d+)([dw])$/.exec(String(windows[0].duration ?? ""));
  if (!duration) throw new ImportError(`${where}: the time window duration ${show(windows[0].duration)} is not whole days or weeks (e.g. 28d)`);
  const periodDays = days(where, Number(duration[1]), duration[2]);
  let indicator = obj(spec.indicator);
  if (typeof spec.indicatorRef === "string") {
    const ref = slis.get(spec.indicatorRef);
    if (!ref) throw new ImportError(`${where}: indicatorRef ${show(spec.indicatorRef)} names no kind: SLI document in the file`);
    indicator = ref;
  }
  const sliSpec = obj(indicator.spec);
  if (sliSpec.thresholdMetric) throw new ImportError(`${where}: a threshold metric cannot be imported; only ratio SLIs (good or bad, and total) can`);
  const ratio = obj(sliSpec.ratioMetric);
  if (!ratio.total || (!ratio.good && !ratio.bad)) throw new ImportError(`${where}: the indicator needs a ratioMetric with total and good or bad`);
  const counter = ratio.counter === true;
  const total = query(`${where}: ratioMetric.total`, ratio.total, counter);
  const errors = ratio.bad ? query(`${where}: ratioMetric.bad`, ratio.bad, counter) : badFromGood(query(`${where}: ratioMetric.good`, ratio.good, counter), total);
  const objectives = Array.isArray(spec.objectives) ? spec.objectives.map(obj) : [];
  return objectives.map((o, i) => {
    if (typeof o.target !== "number") throw new ImportError(`${where}: objectives[${i}].target is missing (a ratio, e.g. 0.999)`);
    if (o.timeSliceTarget !== undefined) throw new ImportError(`${where}: objectives[${i}] has time slices, which cannot be imported`);
    return { service: String(spec.service ?? ""), slo: { name: objectives.length === 1 ? name : `${name}-${i}`, objective: percentOf(o.target), periodDays, errors, total } };
  });
}

/** Every `kind: SLO` of a (possibly multi-document) OpenSLO file. */
export function fromOpenSlo(docs: unknown[], where: string): ImportedService[] {
  const all = docs.map(obj);
  const slis = new Map(all.filter((d) => d.kind === "SLI").map((d) => [String(obj(d.metadata).name), d]));
  const slos = all.map((d, i) => ({ d, at: docs.length > 1 ? `${where} (document ${i + 1})` : where })).filter(({ d }) => d.kind === "SLO");
  if (slos.length === 0) throw new ImportError(`${where}: no kind: SLO document`);
  return byService(
    slos.flatMap(({ d, at }) => {
      if (d.apiVersion === "openslo/v1alpha") return v1alpha(d, at);
      if (d.apiVersion === "openslo/v1") return v1(d, at, slis);
      throw new ImportError(`${at}: apiVersion ${show(d.apiVersion)} is not openslo/v1alpha or openslo/v1`);
    }),
  );
}
