// npm run bench -- rules: what the generated SLO rules cost a real Prometheus per evaluation
// cycle, beside a naive rule set that computes the same error ratios from raw counters.
//
// 1. Synthetic counters and histograms for BENCH_SERVICES services, backfilled with
//    `promtool tsdb create-blocks-from openmetrics`.
// 2. The generated recording rules backfilled with `promtool tsdb create-blocks-from rules`,
//    level by level (a rule reading recorded series needs them on disk first), restarting
//    Prometheus between levels so it loads the new blocks.
// 3. Every generated expression and every naive one queried once at the same instant with
//    stats=all; totalQueryableSamples is the number of samples it touched.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { SLO_SERIES, SLO_WINDOWS, SloWindow } from "../monitoring/conventions";
import { ManagedProcess, findBinary } from "../local/processes";
import { freePorts, LOOPBACK } from "../local/ports";
import { durationSeconds } from "../monitoring/duration";
import { sloRuleGroups } from "../monitoring/slo";
import { Slo, slosOf } from "../monitoring/slo/objectives";
import { RecordingRule, RuleGroup } from "../monitoring/slo/rule-types";
import { derivedWindows, RAW_WINDOWS } from "../monitoring/slo/windows";
import { DEFAULT_PLANES, noSecrets, parseSettings, Settings } from "../settings";

const BENCH_SERVICES = 100;
/** The shortest period settings allow keeps the backfill to minutes; the ratio barely depends on it. */
const PERIOD_DAYS = 7;
/** Scrape interval of the synthetic data; the rules' base evaluation interval is the stack default. */
const SCRAPE_SECONDS = 60;
const HOUR = 3600;
/** Spacing of backfilled recorded samples: within the 5m lookback of every subquery step. */
const BACKFILL_INTERVAL = "1m";
/** Enough recent history for instant reads at the measured time. */
const RECENT = 15 * 60;

function benchSettings(): Settings {
  const services = Array.from({ length: BENCH_SERVICES }, (_, i) => ({
    name: `svc-${String(i).padStart(3, "0")}`,
    plane: DEFAULT_PLANES[i % DEFAULT_PLANES.length],
    team: "bench",
  }));
  return parseSettings(
    {
      values: {
        environment: "bench",
        namePrefix: "bench",
        runbookBaseUrl: "https://runbooks.example/",
        services,
        slo: { periodDays: PERIOD_DAYS },
        notifications: { teams: { bench: { slack: { channel: "#bench" } } }, routing: { defaultTeam: "bench" } },
      },
      secrets: noSecrets(),
    },
    "bench settings",
  );
}


/** Counters and the histogram series the SLO rules read, per service, one sample per SCRAPE_SECONDS, written as OpenMetrics. */
async function writeOpenMetrics(file: string, settings: Settings, start: number, end: number): Promise<void> {
  const out = fs.createWriteStream(file);
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((r) => out.once("drain", () => r())));
  const steps = Math.floor((end - start) / SCRAPE_SECONDS);
  const families: { type: string; family: string; series: { name: string; labels: (job: string) => string; perStep: number }[] }[] = [
    {
      type: "counter",
      family: "http_requests",
      series: [
        { name: "http_requests_total", labels: (j) => `job="${j}",code="200"`, perStep: 599 },
        { name: "http_requests_total", labels: (j) => `job="${j}",code="500"`, perStep: 1 },
      ],
    },
    {
      type: "histogram",
      family: "http_request_duration_seconds",
      series: [
        { name: "http_request_duration_seconds_bucket", labels: (j) => `job="${j}",le="0.5"`, perStep: 580 },
        { name: "http_request_duration_seconds_bucket", labels: (j) => `job="${j}",le="2"`, perStep: 597 },
        { name: "http_request_duration_seconds_count", labels: (j) => `job="${j}"`, perStep: 600 },
      ],
    },
  ];
  for (const f of families) {
    await write(`# TYPE ${f.family} ${f.type}\n`);
    for (const svc of settings.services) {
      for (const s of f.series) {
        const lines: string[] = [];
        for (let i = 0; i <= steps; i++) lines.push(`${s.name}{${s.labels(svc.job)}} ${i * s.perStep} ${start + i * SCRAPE_SECONDS}`);
        await write(lines.join("\n") + "\n");
      }
    }
  }
  await write("# EOF\n");
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

function exec(bin: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    p.stderr.on("data", (d) => (stderr += d));
    p.on("error", reject);
    p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${bin} ${args.slice(0, 3).join(" ")} failed (${code}): ${stderr.slice(-2000)}`))));
  });
}

/** A Prometheus on loopback over a TSDB folder; no scraping, no rules: only the query API. */
class Prometheus {
  private proc?: ManagedProcess;
  url = "";
  constructor(private readonly dir: string) {}

  async start(): Promise<void> {
    const [port] = await freePorts(1);
    const config = path.join(this.dir, "prometheus.yml");
    fs.writeFileSync(config, "global: {}\n");
    this.url = `http://${LOOPBACK}:${port}`;
    this.proc = new ManagedProcess("prometheus", findBinary("prometheus"), [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(this.dir, "tsdb")}`,
      `--web.listen-address=${LOOPBACK}:${port}`,
      "--storage.tsdb.retention.time=10y",
      "--log.level=error",
    ]);
    await this.proc.waitReady(`${this.url}/-/ready`, 60_000);
  }

  /** Stops Prometheus, so the next start loads the blocks written meanwhile. */
  async stop(): Promise<void> {
    await this.proc?.stop(15_000);
  }

  /** Stops Prometheus at once (on Ctrl-C), so no process outlives the benchmark. */
  kill(): void {
    void this.proc?.stop(0);
  }

  /** Samples touched by one instant query at `time`. */
  async samples(expr: string, time: number): Promise<number> {
    const q = new URLSearchParams({ query: expr, time: String(time), stats: "all" });
    const r = await fetch(`${this.url}/api/v1/query?${q}`);
    const body = (await r.json()) as { status: string; error?: string; data?: { stats?: { samples?: { totalQueryableSamples: number } } } };
    if (body.status !== "success") throw new Error(`query failed: ${body.error} (${expr.slice(0, 120)})`);
    return body.data?.stats?.samples?.totalQueryableSamples ?? 0;
  }
}

/** Dependency level of each recorded series: 0 reads only raw series, n reads level n-1. */
function levels(groups: RuleGroup[]): Map<RecordingRule, number> {
  const rules = groups.flatMap((g) => g.rules).filter((r): r is RecordingRule => "record" in r);
  const names = [...new Set(rules.map((r) => r.record))];
  const level = new Map<string, number>();
  const of = (rule: RecordingRule): number | undefined => {
    const deps = names.filter((n) => n !== rule.record && new RegExp(`(^|[^a-z_:])${n.replace(/[:]/g, "\\:")}($|[^a-z0-9_:])`).test(rule.expr));
    if (deps.some((d) => !level.has(d))) return undefined;
    return deps.length === 0 ? 0 : 1 + Math.max(...deps.map((d) => level.get(d)!));
  };
  const result = new Map<RecordingRule, number>();
  while (result.size < rules.length) {
    let progressed = false;
    for (const r of rules) {
      if (result.has(r)) continue;
      const l = of(r);
      if (l === undefined) continue;
      result.set(r, l);
      level.set(r.record, Math.max(level.get(r.record) ?? 0, l));
      progressed = true;
    }
    if (!progressed) throw new Error("bench: recording rules depend on each other in a cycle");
  }
  return result;
}

/** How far back a level-0 series must exist: the longest derived range averaging it. */
function historyOf(settings: Settings, rule: RecordingRule): number {
  const raw = RAW_WINDOWS.find((w) => rule.record === SLO_SERIES.errorRate(w) || rule.record === SLO_SERIES.requestRate(w));
  const ranges = derivedWindows(settings).filter((d) => d.from === raw);
  return Math.max(RECENT, ...ranges.map((d) => durationSeconds(d.range) + durationSeconds(d.from)));
}

/** The naive rule set: every window's error ratio straight from raw counters. */
function naiveExprs(settings: Settings, slos: Slo[]): string[] {
  const windows: SloWindow[] = [...SLO_WINDOWS, "period"];
  const range = (w: SloWindow) => (w === "period" ? `${settings.slo.periodDays}d` : w);
  return slos.flatMap((slo) => windows.map((w) => `(${slo.errors(range(w))}) / (${slo.requests(range(w))})`));
}

export async function run(): Promise<void> {
  const t0 = Date.now();
  const settings = benchSettings();
  const groups = sloRuleGroups(settings);
  const base = durationSeconds(settings.docker.evaluationInterval);
  const end = Math.floor(Date.now() / 1000 / HOUR) * HOUR - 3 * HOUR;
  const start = end - PERIOD_DAYS * 24 * HOUR - 2 * HOUR;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ananta-bench-rules-"));
  const prom = new Prometheus(dir);
  const log = (msg: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(0)}s] ${msg}`);
  const interrupted = () => prom.kill();
  process.once("SIGINT", interrupted).once("SIGTERM", interrupted);
  try {
    const om = path.join(dir, "series.om");
    await writeOpenMetrics(om, settings, start, end);
    log(`wrote ${(fs.statSync(om).size / 2 ** 20).toFixed(0)} MiB of OpenMetrics for ${BENCH_SERVICES} services over ${PERIOD_DAYS} days`);
    // One block for the whole history: promtool re-reads the input once per block.
    const oneBlock = `--max-block-duration=${Math.ceil((end - start) / HOUR) + 1}h`;
    await exec("promtool", ["tsdb", "create-blocks-from", "openmetrics", oneBlock, om, path.join(dir, "tsdb")]);
    fs.rmSync(om);
    log("backfilled raw series");

    const levelOf = levels(groups);
    const maxLevel = Math.max(...levelOf.values());
    for (let l = 0; l <= maxLevel; l++) {
      await prom.start();
      const byHistory = new Map<number, RuleGroup[]>();
      for (const g of groups) {
        const rules = g.rules.filter((r): r is RecordingRule => "record" in r && levelOf.get(r) === l);
        for (const r of rules) {
          const h = l === 0 ? historyOf(settings, r) : RECENT;
          const list = byHistory.get(h) ?? [];
          const into = list.find((x) => x.name === g.name) ?? (list.push({ name: g.name, interval: BACKFILL_INTERVAL, rules: [] }), list[list.length - 1]);
          into.rules.push(r);
          byHistory.set(h, list);
        }
      }
      for (const [history, list] of byHistory) {
        const file = path.join(dir, `level-${l}-${history}.yml`);
        fs.writeFileSync(file, stringify({ groups: list }, { lineWidth: 0 }));
        const out = path.join(dir, `blocks-${l}-${history}`);
        await exec("promtool", ["tsdb", "create-blocks-from", "rules", `--url=${prom.url}`, `--start=${end - history}`, `--end=${end}`, `--output-dir=${out}`, oneBlock, "--quiet", file]);
        for (const block of fs.readdirSync(out)) fs.renameSync(path.join(out, block), path.join(dir, "tsdb", block));
      }
      await prom.stop();
      log(`backfilled level-${l} recorded series (${[...levelOf.values()].filter((x) => x === l).length} rules)`);
    }

    await prom.start();
    let generated = 0;
    const perGroup: string[] = [];
    for (const g of groups) {
      // Amortised per base cycle: a group evaluated every 1m costs a quarter per 15s cycle.
      const weight = base / durationSeconds(g.interval ?? `${base}s`);
      let touched = 0;
      for (const r of g.rules) touched += await prom.samples(r.expr, end);
      generated += weight * touched;
      perGroup.push(`  ${g.name} (every ${g.interval ?? `${base}s`}): ${touched} samples per evaluation`);
    }
    let naive = 0;
    for (const expr of naiveExprs(settings, slosOf(settings))) naive += await prom.samples(expr, end);
    log("queried both rule sets");
    const rules = groups.reduce((n, g) => n + g.rules.length, 0);
    console.log(`services: ${BENCH_SERVICES}, SLOs: ${slosOf(settings).length}, period: ${PERIOD_DAYS}d, scrape: ${SCRAPE_SECONDS}s, base evaluation: ${base}s`);
    console.log(`generated rules (${rules}): ${Math.round(generated)} samples per ${base}s evaluation cycle`);
    console.log(perGroup.join("\n"));
    console.log(`naive rules (${naiveExprs(settings, slosOf(settings)).length}): ${naive} samples per ${base}s evaluation cycle`);
    console.log(`generated / naive: ${((100 * generated) / naive).toFixed(2)}% (target ≤ 5%)`);
  } finally {
    process.off("SIGINT", interrupted).off("SIGTERM", interrupted);
    await prom.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
