// npm run bench -- rules: the generated SLO rules against Sloth's and Pyrra's rule shapes and a
// naive rule set, for the same availability SLOs of 10 services (100 with --full) over 30 days of
// bursty traffic, in one run on a real Prometheus:
//
// 1. Synthetic counters (bench/rules/traffic.ts), scraped every minute off the minute grid,
//    backfilled with `promtool tsdb create-blocks-from openmetrics`.
// 2. What each shape's rules read from recorded series, backfilled as the rules would write it
//    (`create-blocks-from rules`): the peers' period-long inputs, and for the last minutes every
//    other recorded series, in stages where one rule reads another's.
// 3. Every rule of every shape queried once at the same instant with stats=all:
//    totalQueryableSamples is the number of samples it touched; per minute, weighted by its
//    group's interval. Then each shape's 30-day error ratio, read at the instant its rule last
//    evaluated, against the exact one then.
// Steps 1-3 run once per evaluation phase (each names the rule groups differently, which moves
// the instants Prometheus evaluates them at): the errors are over all phases.
// 4. With --full, the generated rules for 1000 services loaded into Prometheus: how long each rule
//    group takes to evaluate, as a share of its interval.
import * as fs from "node:fs";
import * as path from "node:path";
import { SLO_SERIES } from "../../monitoring/conventions";
import { serviceOwner } from "../../monitoring/scrape-jobs";
import { sloRuleGroups, sloRules } from "../../monitoring/slo";
import { slosOf } from "../../monitoring/slo/objectives";
import { durationSeconds } from "../../monitoring/duration";
import { DEFAULT_PLANES, noSecrets, parseSettings, Settings } from "../../settings";
import { tmpDir } from "../../tools/temporary";
import { naive, pyrra, pyrraInput, pyrraPerformance, Shape, sloth, slothInput } from "./peers";
import { BackfillRule, Prometheus } from "./prometheus";
import { exactRatio, serviceTraffic, ServiceTraffic } from "./traffic";

/** Services of the accuracy and cost comparison, and of the evaluation-time run: --full, or the quick default. */
/** Services compared, services whose rule groups are timed, evaluation phases measured. */
const SCALE = { full: { services: 100, large: 1000, phases: 2 }, quick: { services: 10, large: 0, phases: 3 } };
const DAYS = 30;
const SCRAPE = 60;
/** Scrapes land this many seconds after each minute, rule evaluations on it. */
const SCRAPE_PHASE = 17;
const EVAL = 60;
const MIN = 60;
const HOUR = 3600;
const DAY = 86_400;
/** History besides the period: the longest window reads back an hour and a slot more. */
const HISTORY = DAYS * DAY + 2 * HOUR;
/** Recorded series only read at the measured instant are backfilled for this long. */
const RECENT = 15 * MIN;
/** The burst that ends this long before the measured instant (in the last partial hour). */
const LAST_BURST_END = 2 * MIN;

function benchSettings(services: number): Settings {
  return parseSettings(
    {
      values: {
        environment: "bench",
        namePrefix: "bench",
        runbookBaseUrl: "https://runbooks.example/",
        services: Array.from({ length: services }, (_, i) => ({
          name: `svc-${String(i).padStart(4, "0")}`,
          // Scraped by the stack (its scrape job attaches service, plane and team): its SLOs share rules.
          targets: [`svc-${String(i).padStart(4, "0")}.bench:8080`],
          plane: DEFAULT_PLANES[i % DEFAULT_PLANES.length],
          team: "bench",
          slo: { latency: [] },
        })),
        docker: { evaluationInterval: `${EVAL}s` },
        notifications: { teams: { bench: { slack: { channel: "#bench" } } }, routing: { defaultTeam: "bench" } },
      },
      secrets: noSecrets(),
    },
    "bench settings",
    { requireSecrets: false },
  );
}

/** The generated rules as a shape of the bench: its period ratio is the rule recording it. */
function ours(settings: Settings): Shape {
  const groups = sloRuleGroups(settings);
  const nameOf = new Map(settings.services.map((s) => [s.job, s.name]));
  const period = groups.flatMap((g) => g.rules).find((r) => "record" in r && r.record === SLO_SERIES.errorRatio("period"))!;
  return {
    name: "ours (generated)",
    groups: groups.map((g) => ({ name: g.name, intervalSeconds: g.interval ? durationSeconds(g.interval) : EVAL, rules: g.rules })),
    // The rule's expression at the measured instant (as the peers' are); one rule covers every service: the service's series.
    periodRatio: (job) => `sum((${period.expr}) and on (service) up{service="${nameOf.get(job)}"})`,
    periodAt: (job) => `${SLO_SERIES.errorRatio("period")}{service="${nameOf.get(job)}"}`,
  };
}

/** Raw counters of every service as OpenMetrics: code 200 and 500, one sample a minute off the grid. */
function writeCounters(settings: Settings, traffic: ServiceTraffic[], start: number, scrape = SCRAPE) {
  return async (out: (t: string) => Promise<void>) => {
    // With the labels the service's scrape job attaches, and its up series.
    const labels = (svc: Settings["services"][number]) => Object.entries({ job: svc.job, ...serviceOwner(svc) }).map(([k, v]) => `${k}="${v}"`).join(",");
    await out("# TYPE up gauge\n");
    for (const [i, svc] of settings.services.entries()) {
      const lines = Array.from({ length: traffic[i].requests.length + 1 }, (_, k) => `up{${labels(svc)}} 1 ${start + SCRAPE_PHASE + k * scrape}`);
      for (let k = 0; k < lines.length; k += 5000) await out(lines.slice(k, k + 5000).join("\n") + "\n");
    }
    await out("# TYPE http_requests counter\n");
    for (const [i, svc] of settings.services.entries()) {
      for (const [code, counts] of [["200", traffic[i].requests.map((r, k) => r - traffic[i].errors[k])], ["500", traffic[i].errors]] as const) {
        let total = 0;
        const lines: string[] = [];
        for (let k = 0; k <= counts.length; k++) {
          lines.push(`http_requests_total{${labels(svc)},code="${code}"} ${total} ${start + SCRAPE_PHASE + k * scrape}`);
          if (k < counts.length) total += counts[k];
          if (lines.length === 5000) await out(lines.splice(0).join("\n") + "\n");
        }
        await out(lines.join("\n") + "\n");
      }
    }
  };
}


const pct = (x: number) => `${(x * 100).toPrecision(3)}%`;

interface Row {
  shape: string;
  perMinute: number;
  series: number;
  meanError: number;
  maxError: number;
}

/** A shape's rule group as the bench backfills it: its own name, so its own evaluation offset. */
const groupId = (shape: Shape, group: string) => `${shape.name.replace(/\W+/g, "-")}-${group}`;

/**
 * Everything else each shape records, for the last minutes (what its alerts and roll-ups read), in
 * stages: a rule reading another's series once that one is in the TSDB. The stages of one group
 * are backfilled as that group, so a rule reads what the group's earlier rules recorded at the
 * same instant, as in one evaluation.
 */
async function backfillRecorded(prom: Prometheus, shapes: Shape[], T: number): Promise<void> {
  // The period-long inputs are in already.
  const fullInputs = new Set(["slo:sli_error:ratio_rate5m", "http_requests:increase5m"]);
  for (const shape of shapes) {
    const recorded = shape.groups.flatMap((g) =>
      g.rules
        .filter((r): r is BackfillRule => typeof r.record === "string" && !fullInputs.has(r.record))
        .map((rule) => ({ rule, group: g.name, interval: g.intervalSeconds })),
    );
    const done = new Set<string>();
    for (let stage = 0; recorded.some((r) => !done.has(r.rule.record)); stage++) {
      const pending = new Set(recorded.filter((r) => !done.has(r.rule.record)).map((r) => r.rule.record));
      const ready = recorded.filter((r) => pending.has(r.rule.record) && ![...pending].some((name) => r.rule.expr.includes(name)));
      if (ready.length === 0) throw new Error(`${shape.name}: recording rules read each other in a cycle`);
      for (const group of new Set(ready.map((r) => r.group))) {
        const rules = ready.filter((r) => r.group === group);
        await prom.backfill(groupId(shape, group), rules.map((r) => r.rule), rules[0].interval, T - RECENT, T, `-${stage}`);
      }
      for (const r of ready) done.add(r.rule.record);
      await prom.stop();
      await prom.start();
    }
  }
}

/**
 * Samples each shape's rules read per minute at T, the series it records per SLO, and its period
 * ratio's error: read at the instant its rule last evaluated (what anyone reading the recorded
 * ratio gets), against the exact ratio at that instant.
 */
async function measure(prom: Prometheus, shapes: Shape[], jobs: string[], truthAt: (i: number, t: number) => number, T: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (const shape of shapes) {
    let perMinute = 0;
    let series = 0;
    for (const g of shape.groups) {
      for (const r of g.rules) {
        perMinute += ((await prom.samples(r.expr, T)) * MIN) / g.intervalSeconds;
        // The series a recording rule writes: one, or one per value of a `by` label (Pyrra's code).
        if ((r as { record?: string }).record) series += Math.max(1, (await prom.value(`count(${r.expr})`, T)) || 0);
      }
    }
    const errors: number[] = [];
    for (const [i, job] of jobs.entries()) {
      const at = await prom.value(`max(timestamp(${shape.periodAt(job)}))`, T);
      if (Number.isNaN(at)) throw new Error(`${shape.name}: no recorded ${shape.periodAt(job)} at the measured instant`);
      const truth = truthAt(i, at);
      const got = await prom.value(shape.periodRatio(job), at);
      errors.push(Math.abs(got - truth) / truth);
    }
    rows.push({ shape: shape.name, perMinute, series: series / jobs.length, meanError: errors.reduce((a, b) => a + b, 0) / errors.length, maxError: Math.max(...errors) });
  }
  return rows;
}

function printTable(rows: Row[], services: number, phases: number): void {
  const me = rows.find((r) => r.shape.startsWith("ours"))!;
  console.log(`\n${services} services, one availability SLO each, ${DAYS}-day period, scrape ${SCRAPE}s, rule evaluation ${EVAL}s; service 0's last burst ends ${LAST_BURST_END / MIN} min before the measured instant; errors over ${phases} evaluation phases`);
  console.log("shape                      | samples/min | ours as share | recorded/SLO | 30d ratio error: mean | max");
  for (const r of rows) {
    console.log(
      [r.shape.padEnd(26), String(Math.round(r.perMinute)).padStart(11), pct(me.perMinute / r.perMinute).padStart(13), r.series.toFixed(2).padStart(12), pct(r.meanError).padStart(21), pct(r.maxError).padStart(6)].join(" | "),
    );
  }
}

/** The scene every phase measures: the services' settings, their traffic, and the instant measured. */
interface Scene {
  settings: Settings;
  traffic: ServiceTraffic[];
  start: number;
  steps: number;
  T: number;
}

/**
 * One measurement on its own TSDB. Prometheus (and promtool's backfill) evaluates a rule group at
 * an offset within its interval taken from a hash of the group's name and file, so a period ratio
 * read from recorded series depends on where those evaluations fall against the traffic's bursts:
 * each phase names the groups differently, so each evaluates at other instants.
 */
async function measurePhase({ settings, traffic, start, steps, T }: Scene, phase: number, log: (m: string) => void): Promise<Row[]> {
  const jobs = settings.services.map((s) => s.job);
  const dir = tmpDir("ananta-bench-rules-");
  const prom = new Prometheus(dir, [], `-phase${phase}`);
  const interrupted = () => prom.kill();
  process.once("SIGINT", interrupted).once("SIGTERM", interrupted);
  try {
    await prom.backfillOpenMetrics("counters", HISTORY / HOUR, writeCounters(settings, traffic, start));
    log(`phase ${phase}: backfilled raw counters: ${jobs.length} services × 2 series × ${steps + 1} samples (${DAYS} days + 2h, every ${SCRAPE}s)`);

    // What the peers' rules read over the whole period: Sloth's 5m ratio, Pyrra's 5m increase.
    await prom.start();
    const shapes = [naive(jobs, EVAL), sloth(jobs, EVAL), pyrra(jobs, EVAL), pyrraPerformance(jobs, EVAL), ours(settings)];
    // In the groups that record them, so at those groups' instants.
    const periodLong = (rules: BackfillRule[], shape: Shape, group: string, interval: number) => prom.backfill(groupId(shape, group), rules, interval, T - HISTORY + 2 * HOUR - HOUR, T, "-period");
    await periodLong(jobs.map(slothInput), shapes[1], "sloth-sli", EVAL);
    await periodLong(jobs.map(pyrraInput), shapes[3], "pyrra-increase5m", 150);
    await prom.stop();
    await prom.start();
    log(`phase ${phase}: backfilled the period-long recorded inputs (Sloth's 5m ratio, Pyrra's 5m increase)`);

    await backfillRecorded(prom, shapes, T);
    log(`phase ${phase}: backfilled each shape's other recorded series for the last minutes`);
    // The counters' samples at or before an instant, and 30 days before it: the exact events between.
    const sampleAt = (t: number) => Math.floor((t - start - SCRAPE_PHASE) / SCRAPE);
    const truthAt = (i: number, t: number) => exactRatio(traffic[i], sampleAt(t), sampleAt(t) - sampleAt(t - DAYS * DAY));
    return await measure(prom, shapes, jobs, truthAt, T);
  } finally {
    await prom.stop();
    process.removeListener("SIGINT", interrupted).removeListener("SIGTERM", interrupted);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Each shape over every phase: its cost (the same in each), its mean error over services and phases, its largest. */
function overPhases(phases: Row[][]): Row[] {
  return phases[0].map((row, k) => {
    const all = phases.map((rows) => rows[k]);
    return { ...row, meanError: all.reduce((a, r) => a + r.meanError, 0) / all.length, maxError: Math.max(...all.map((r) => r.maxError)) };
  });
}

export async function run({ full }: { full: boolean }): Promise<void> {
  const { services: BENCH_SERVICES, large: BENCH_LARGE, phases: PHASES } = full ? SCALE.full : SCALE.quick;
  const t0 = Date.now();
  const log = (msg: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(0)}s] ${msg}`);
  const settings = benchSettings(BENCH_SERVICES);
  const end = Math.floor(Date.now() / 1000 / HOUR) * HOUR - 3 * HOUR;
  const start = end - HISTORY;
  const steps = HISTORY / SCRAPE;
  const T = start + SCRAPE_PHASE + steps * SCRAPE; // the last sample
  const traffic = settings.services.map((_, i) => serviceTraffic(i, steps, SCRAPE, i === 0 ? LAST_BURST_END : undefined));
  const phases: Row[][] = [];
  for (let p = 0; p < PHASES; p++) phases.push(await measurePhase({ settings, traffic, start, steps, T }, p, log));
  printTable(overPhases(phases), BENCH_SERVICES, PHASES);
  if (BENCH_LARGE > 0) await evaluationTime(log, BENCH_LARGE);
  else console.log(`\n(quick run: ${BENCH_SERVICES} services and no evaluation-time run; npm run bench -- rules --full compares ${SCALE.full.services} services and times the groups at ${SCALE.full.large}, about 25 minutes)`);
}

/** Scrape interval of the evaluation-time run's history: 31 days of 1000 services, kept small. */
const LARGE_SCRAPE = 300;

/**
 * The generated rules for BENCH_LARGE services on a live Prometheus holding a period of history:
 * each rule group's evaluation time, summed over the parts it is cut into (the share of an
 * interval the engine spends on it), and its slowest part.
 */
export async function evaluationTime(log: (m: string) => void, BENCH_LARGE: number): Promise<void> {
  const settings = benchSettings(BENCH_LARGE);
  const dir = tmpDir("ananta-bench-eval-");
  const rules = path.join(dir, "slos.yml");
  fs.writeFileSync(rules, sloRules(settings));
  const prom = new Prometheus(dir, [rules]);
  const now = Math.floor(Date.now() / 1000);
  const history = (DAYS + 1) * DAY;
  const steps = history / LARGE_SCRAPE;
  const traffic = settings.services.map((_, i) => serviceTraffic(i, steps, LARGE_SCRAPE));
  await prom.backfillOpenMetrics("counters", history / HOUR + 1, writeCounters(settings, traffic, now - history - SCRAPE_PHASE - LARGE_SCRAPE, LARGE_SCRAPE));
  log(`backfilled ${DAYS + 1} days of counters (one sample every ${LARGE_SCRAPE} s) for ${BENCH_LARGE} services; loading the generated rules`);
  await prom.start();
  try {
    const groups = sloRuleGroups(settings);
    const metric = (text: string, name: string, group: string) => Number(new RegExp(`${name}\\{rule_group="[^"]*;${group}"\\} (\\S+)`).exec(text)?.[1] ?? NaN);
    // Until every group has evaluated (the history groups within their 5 minutes), then once more.
    for (const deadline = Date.now() + 10 * 60_000; ; await new Promise((r) => setTimeout(r, 10_000))) {
      const text = await prom.selfMetrics();
      if (groups.every((g) => metric(text, "prometheus_rule_group_last_evaluation_timestamp_seconds", g.name) > 0)) break;
      if (Date.now() > deadline) throw new Error("not every rule group evaluated within 10 minutes");
    }
    const text = await prom.selfMetrics();
    const byName = new Map<string, { interval: number; parts: number; total: number; slowest: number }>();
    for (const g of groups) {
      const name = g.name.replace(/-\d+$/, "");
      const seconds = metric(text, "prometheus_rule_group_last_duration_seconds", g.name);
      const row = byName.get(name) ?? { interval: g.interval ? durationSeconds(g.interval) : EVAL, parts: 0, total: 0, slowest: 0 };
      byName.set(name, { ...row, parts: row.parts + 1, total: row.total + seconds, slowest: Math.max(row.slowest, seconds) });
    }
    console.log(`\n${BENCH_LARGE} services (${slosOf(settings).length} SLOs, ${groups.length} groups): rule evaluation time (prometheus_rule_group_last_duration_seconds)`);
    for (const [name, r] of byName) {
      console.log(`  ${name.padEnd(12)} ${String(r.parts).padStart(4)} groups: ${r.total.toFixed(3)} s in all of its ${r.interval} s interval (${pct(r.total / r.interval)}), slowest ${r.slowest.toFixed(3)} s`);
    }
  } finally {
    await prom.stop();
  }
}
