// SLOs: per service, unique SLO names, PromQL that parses for every window, thresholds the
// histogram has, objectives whose burn alerts can fire; burn windows that fit every period; a
// retention that keeps every period; budget policy levels in order.
import { burnFactor } from "../burn";
import { CALENDAR_DAYS, CALENDAR_MAX_DAYS, PeriodSetting, periodDaysOf } from "../calendar";
import { QUARTER_HOUR, zoneOffset } from "../maintenance";
import { durationSeconds } from "../duration";
import { bareKey } from "../keys";
import { hasWindow, instantiate, isSelectorOnly, promqlProblem, sliShapeProblem, windowsInRanges } from "../promql";
import { EventsSlo, RawSettings } from "../schema";
import { Check, CheckContext } from "./context";

/** Rate windows read from raw series at every evaluation (at most 1h); longer ones are read from history on a grid. */
const RAW_WINDOW_MAX = 3600;
const DAY = 86_400;

/** Windows an SLO's queries are instantiated with: the 5m building block, and the raw alert windows. */
const rawWindows = (s: RawSettings): string[] => {
  const a = s.slo.alerting;
  return [...new Set(["5m", ...[...a.page, ...a.ticket].flatMap((p) => [p.long, p.short]).filter((w) => durationSeconds(w) <= RAW_WINDOW_MAX)])];
};

/** The burn-rate tiers: every page and ticket condition, named by its long window. */
const tierNames = (s: RawSettings): string[] => [...s.slo.alerting.page, ...s.slo.alerting.ticket].map((p) => p.long);

/** A calendar period: not beside periodDays, in a zone with a fixed offset on a quarter hour. */
function calendarPeriod({ problem }: CheckContext, path: PropertyKey[], def: PeriodSetting): void {
  if (!def.period) return;
  if (def.periodDays !== undefined) problem("slo", [...path, "periodDays"], def.periodDays, "must not be set beside period (a calendar period): an SLO has one or the other");
  const zone = zoneOffset(def.period.timeZone);
  if ("problem" in zone) problem("slo", [...path, "period", "timeZone"], def.period.timeZone, zone.problem);
  else if (zone.seconds % QUARTER_HOUR !== 0) problem("slo", [...path, "period", "timeZone"], def.period.timeZone, "must be an offset of whole quarter hours: the history is read on a 15-minute grid");
}

/** An SLO's tiers must name tiers that exist. */
function knownTiers({ s, problem }: CheckContext, path: PropertyKey[], tiers: Record<string, unknown> | undefined): void {
  const names = tierNames(s);
  for (const name of Object.keys(tiers ?? {})) {
    if (!names.includes(name)) problem("slo", [...path, "tiers", name], tiers![name], `must name a burn-rate tier: the tiers are ${names.join(", ")} (the long windows of slo.alerting.page and ticket)`);
  }
}

/** A burn threshold at or above 100% errors can never be crossed: refuse it rather than stay silent. */
function reachable({ s, problem }: CheckContext, path: PropertyKey[], objective: number, days: number | undefined): void {
  const budget = (100 - objective) / 100;
  for (const kind of ["page", "ticket"] as const) {
    s.slo.alerting[kind].forEach((p, j) => {
      const factor = burnFactor(p, days ?? s.slo.periodDays);
      if (factor * budget >= 1) {
        problem("slo", path, objective, `leaves a budget of ${Number((budget * 100).toPrecision(6))}%, and slo.alerting.${kind}[${j}] fires at ${Number(factor.toPrecision(6))}x that: more than every event failing, so it could never fire; raise the objective or lower that condition's budgetPercent`);
      }
    });
  }
}

/** A latency SLI's selector: label matchers of its histogram, nothing more. */
function latencySelector({ problem }: CheckContext, path: PropertyKey[], metric: string, matchers: string | undefined): void {
  if (matchers === undefined) return;
  const selector = `${metric}_bucket{${matchers}}`;
  const why = promqlProblem(selector) ?? (isSelectorOnly(selector) ? undefined : "is more than one selector");
  if (why) problem("slo", path, matchers, `must be label matchers such as method="GET"; ${selector} ${why}`);
}

/** An events SLO's queries: {{window}} only as a range, and PromQL of an SLI's shape for every raw window. */
function eventsQueries({ s, problem }: CheckContext, at: PropertyKey[], e: EventsSlo): void {
  for (const field of ["errors", "total"] as const) {
    const query = e[field];
    if (!hasWindow(query)) {
      problem("slo", [...at, field], query, "must contain {{window}} (or {{.window}}) where the rate window goes, e.g. sum(rate(x[{{window}}]))");
      continue;
    }
    if (!windowsInRanges(query)) {
      problem("slo", [...at, field], query, "must use {{window}} only as a range, e.g. rate(x[{{window}}]); elsewhere it becomes a literal 5m");
      continue;
    }
    for (const w of rawWindows(s)) {
      const why = promqlProblem(instantiate(query, w)) ?? sliShapeProblem(instantiate(query, w));
      if (why) {
        problem("slo", [...at, field], query, `${why} once {{window}} is ${w}`);
        break;
      }
    }
  }
}

/** Each SLO of a service: a unique name (its slo label), valid PromQL for every window, a threshold the histogram has. */
function serviceSlos(c: CheckContext, svc: RawSettings["services"][number], i: number): void {
  const { s, problem } = c;
  const own = svc.slo;
  const names = new Map<string, string>();
  /**
   * Every SLO of the service: uniquely named, with an objective its alerts can reach; one it sets
   * itself (not the stack's slo.*, checked once) also with known tiers and a valid period.
   */
  const eachSlo = (at: PropertyKey[], slo: PeriodSetting & { name?: string; objective: number; tiers?: Record<string, unknown> }, itsOwn = true) => {
    if (slo.name !== undefined) {
      const first = names.get(slo.name);
      if (first) problem("slo", [...at, "name"], slo.name, `duplicates the SLO name of ${first}; SLO names (the slo label) must be unique per service`);
      else names.set(slo.name, bareKey([...at, "name"]));
    }
    if (itsOwn) {
      knownTiers(c, at, slo.tiers);
      calendarPeriod(c, at, slo);
    }
    reachable(c, [...at, "objective"], slo.objective, periodDaysOf(slo));
  };
  const availability = own?.availability ?? s.slo.availability;
  if (availability !== false) names.set("availability", own?.availability ? `services[${i}].slo.availability` : "slo.availability");
  if (availability !== false) eachSlo(own?.availability ? ["services", i, "slo", "availability"] : ["slo", "availability"], availability, Boolean(own?.availability));
  const latencyPath = own?.latency ? ["services", i, "slo", "latency"] : ["slo", "latency"];
  (own?.latency ?? s.slo.latency).forEach((l, j) => {
    const at = [...latencyPath, j];
    eachSlo(at, l, Boolean(own?.latency));
    const metric = l.metric ?? svc.metrics.duration;
    latencySelector(c, [...at, "selector"], metric, l.selector);
    const buckets = l.buckets ?? (l.metric === undefined ? svc.metrics.durationBuckets : undefined);
    if (buckets && !buckets.some((b) => Math.abs(b - l.thresholdSeconds) < 1e-9)) {
      problem("slo", [...at, "thresholdSeconds"], l.thresholdSeconds, `must be a bucket boundary of ${metric} (buckets: ${buckets.join(", ")}): the SLI counts the events of the bucket at the threshold`);
    }
  });
  (own?.timeslices ?? []).forEach((t, j) => {
    const at = ["services", i, "slo", "timeslices", j];
    eachSlo(at, t);
    if ("latency" in t.good) latencySelector(c, [...at, "good", "latency", "selector"], t.good.latency.metric ?? svc.metrics.duration, t.good.latency.selector);
  });
  (own?.events ?? []).forEach((e: EventsSlo, j) => {
    const at = ["services", i, "slo", "events", j];
    eachSlo(at, e);
    eventsQueries(c, at, e);
  });
}

/** Every SLO period in days, with who sets it (the stack's default, or a service's SLO). */
function sloPeriods(s: RawSettings): { days: number; history: number; where: string }[] {
  const of = (def: PeriodSetting, where: string) => {
    if (def.period) return [{ days: CALENDAR_DAYS[def.period.calendar], history: CALENDAR_MAX_DAYS[def.period.calendar], where: `${where} (a calendar ${def.period.calendar})` }];
    return def.periodDays ? [{ days: def.periodDays, history: def.periodDays, where }] : [];
  };
  return [
    { days: s.slo.periodDays, history: s.slo.periodDays, where: "slo.periodDays" },
    ...of(s.slo.availability, "slo.availability"),
    ...s.slo.latency.flatMap((l) => of(l, `slo.latency ${l.name}`)),
    ...s.services.flatMap((svc) => [
      ...(svc.slo?.availability ? of(svc.slo.availability, `service ${svc.name}, SLO availability`) : []),
      ...(svc.slo?.latency ?? []).flatMap((l) => of(l, `service ${svc.name}, SLO ${l.name}`)),
      ...(svc.slo?.events ?? []).flatMap((e) => of(e, `service ${svc.name}, SLO ${e.name}`)),
      ...(svc.slo?.timeslices ?? []).flatMap((t) => of(t, `service ${svc.name}, SLO ${t.name}`)),
    ]),
  ];
}

/**
 * The stack's Prometheus must keep every SLO period and a day more (the period's window reads
 * raw history a grid step beyond it): shorter, and a "30-day" budget silently covers only what
 * is kept. AMP keeps its own history (150 days), so this is the Docker Prometheus's concern only.
 */
function retention({ s, problem }: CheckContext): void {
  if (s.aws.amp.enabled) return;
  const longest = sloPeriods(s).reduce((a, b) => (b.history > a.history ? b : a));
  if (durationSeconds(s.docker.retention.time) < (longest.history + 1) * DAY) {
    problem("slo", ["docker", "retention", "time"], s.docker.retention.time, `must keep the longest SLO period and a day more: at least ${longest.history + 1}d for the ${longest.history}-day period of ${longest.where}`);
  }
}

/** Burn-rate windows: short below long, long within every period, long windows in whole hours. */
function alerting({ s, problem }: CheckContext): void {
  const shortest = Math.min(...sloPeriods(s).map((p) => p.days));
  const tiers = new Map<string, string>();
  for (const kind of ["page", "ticket"] as const) {
    s.slo.alerting[kind].forEach((p, j) => {
      const at = ["slo", "alerting", kind, j];
      const long = durationSeconds(p.long);
      const short = durationSeconds(p.short);
      if (short >= long) problem("slo", [...at, "short"], p.short, `must be shorter than its long window ${p.long}`);
      const same = [...tiers].find(([w]) => durationSeconds(w) === long);
      if (same) problem("slo", [...at, "long"], p.long, `is the long window of ${same[1]} too: each burn-rate tier is named by its long window (its burn_tier label), so they must differ`);
      else tiers.set(p.long, bareKey(at));
      if (long > shortest * DAY) problem("slo", [...at, "long"], p.long, `must be at most the shortest SLO period (${shortest} days)`);
      for (const [field, w, secs] of [["long", p.long, long], ["short", p.short, short]] as const) {
        if (secs > RAW_WINDOW_MAX && secs % 3600 !== 0) problem("slo", [...at, field], w, "must be at most 1h, or a whole number of hours (longer windows are read from history on a 5-minute grid)");
      }
    });
  }
}

export const slo: Check = (c) => {
  knownTiers(c, ["slo", "availability"], c.s.slo.availability.tiers);
  calendarPeriod(c, ["slo", "availability"], c.s.slo.availability);
  c.s.slo.latency.forEach((l, j) => {
    knownTiers(c, ["slo", "latency", j], l.tiers);
    calendarPeriod(c, ["slo", "latency", j], l);
  });
  c.s.services.forEach((svc, i) => serviceSlos(c, svc, i));
  alerting(c);
  retention(c);
  const { review, freeze, stop } = c.s.slo.budgetPolicy;
  if (!(review > freeze && freeze > stop)) c.problem("slo", ["slo", "budgetPolicy"], c.s.slo.budgetPolicy, "levels must decrease: review > freeze > stop");
};
