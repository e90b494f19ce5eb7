// A real Prometheus on loopback for the rules bench: over a TSDB folder, with only the query
// API (or with rule files, to time their evaluation), and the promtool backfills that fill it.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { freePorts, LOOPBACK } from "../../local/ports";
import { findBinary, ManagedProcess } from "../../local/processes";

export function exec(bin: string, args: string[], cwd?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"], cwd });
    let stderr = "";
    p.stderr.on("data", (d) => (stderr += d));
    p.on("error", reject);
    p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${bin} ${args.slice(0, 3).join(" ")} failed (${code}): ${stderr.slice(-2000)}`))));
  });
}

export interface BackfillRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export class Prometheus {
  private proc?: ManagedProcess;
  url = "";
  constructor(
    private readonly dir: string,
    private readonly ruleFiles: string[] = [],
    /** Appended to every backfilled group's name: another name, another evaluation offset. */
    private readonly groupSuffix = "",
  ) {}

  get tsdb(): string {
    return path.join(this.dir, "tsdb");
  }

  async start(): Promise<void> {
    const [port] = await freePorts(1);
    const config = path.join(this.dir, "prometheus.yml");
    fs.writeFileSync(config, stringify({ global: { evaluation_interval: "1m" }, rule_files: this.ruleFiles }));
    this.url = `http://${LOOPBACK}:${port}`;
    this.proc = new ManagedProcess("prometheus", findBinary("prometheus"), [
      `--config.file=${config}`,
      `--storage.tsdb.path=${this.tsdb}`,
      `--web.listen-address=${LOOPBACK}:${port}`,
      "--storage.tsdb.retention.time=10y",
      "--query.max-samples=500000000",
      "--log.level=error",
    ]);
    await this.proc.waitReady(`${this.url}/-/ready`, 120_000);
  }

  /** Stops Prometheus, so the next start loads the blocks written meanwhile. */
  async stop(): Promise<void> {
    await this.proc?.stop(15_000);
  }

  /** Stops Prometheus at once (on Ctrl-C), so no process outlives the benchmark. */
  kill(): void {
    void this.proc?.stop(0);
  }

  private async query(params: Record<string, string>, kind: "query" | "query_range" = "query") {
    const r = await fetch(`${this.url}/api/v1/${kind}?${new URLSearchParams(params)}`);
    const body = (await r.json()) as { status: string; error?: string; data?: { result: { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[]; stats?: { samples?: { totalQueryableSamples: number } } } };
    if (body.status !== "success") throw new Error(`query failed: ${body.error} (${params.query.slice(0, 160)})`);
    return body.data!;
  }

  /** Samples touched by one instant query at `time`. */
  async samples(expr: string, time: number): Promise<number> {
    return (await this.query({ query: expr, time: String(time), stats: "all" })).stats?.samples?.totalQueryableSamples ?? 0;
  }

  /** The single value of an instant query, or NaN when it has none. */
  async value(expr: string, time: number): Promise<number> {
    const [first] = (await this.query({ query: expr, time: String(time) })).result;
    return first?.value ? Number(first.value[1]) : NaN;
  }

  /** Each series of `expr` over [from, to] at `step` seconds, by one label's value. */
  async range(expr: string, from: number, to: number, step: number, by: string): Promise<Map<string, Map<number, number>>> {
    const out = new Map<string, Map<number, number>>();
    const chunk = 10_000 * step;
    for (let t = from; t <= to; t += chunk) {
      const data = await this.query({ query: expr, start: String(t), end: String(Math.min(to, t + chunk - step)), step: String(step) }, "query_range");
      for (const s of data.result) {
        const series = out.get(s.metric[by]) ?? new Map<number, number>();
        for (const [at, v] of s.values ?? []) series.set(at, Number(v));
        out.set(s.metric[by], series);
      }
    }
    return out;
  }

  /** Prometheus's own metrics, as text. */
  async selfMetrics(): Promise<string> {
    return (await fetch(`${this.url}/metrics`)).text();
  }

  /** Records `rules` every `interval` seconds over [from, to] with promtool, into this TSDB (stop and start to load them). */
  /**
   * Backfills what a rule group records from `from` to `to`. promtool evaluates a group at the
   * offset Prometheus would, hashed from its name and file: the parts of one group (rules reading
   * what earlier ones recorded, backfilled in stages) share both, so each part is evaluated at the
   * instants the whole group would be, and reads what the earlier parts recorded at those instants.
   */
  async backfill(group: string, rules: BackfillRule[], interval: number, from: number, to: number, part = ""): Promise<void> {
    // Relative to the folder, so the offset is the same in every run.
    const file = `${group}.rules.yml`;
    fs.writeFileSync(path.join(this.dir, file), stringify({ groups: [{ name: `${group}${this.groupSuffix}`, interval: `${interval}s`, rules }] }, { lineWidth: 0 }));
    const out = path.join(this.dir, `blocks-${group}${part}`);
    // promtool reads one range query per block: within the API's 11,000 points per series.
    const block = `--max-block-duration=${Math.max(1, Math.floor((10_000 * interval) / 3600))}h`;
    await exec("promtool", ["tsdb", "create-blocks-from", "rules", `--url=${this.url}`, `--start=${from}`, `--end=${to}`, `--eval-interval=${interval}s`, `--output-dir=${out}`, block, "--quiet", file], this.dir);
    for (const block of fs.readdirSync(out)) fs.renameSync(path.join(out, block), path.join(this.tsdb, block));
    fs.rmSync(out, { recursive: true, force: true });
  }

  /** Writes OpenMetrics text (produced by `write`) and backfills it into this TSDB. */
  async backfillOpenMetrics(name: string, hours: number, write: (out: (text: string) => Promise<void>) => Promise<void>): Promise<void> {
    const file = path.join(this.dir, `${name}.om`);
    const stream = fs.createWriteStream(file);
    const out = (text: string) => (stream.write(text) ? Promise.resolve() : new Promise<void>((r) => stream.once("drain", () => r())));
    await write(out);
    await out("# EOF\n");
    await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
    await exec("promtool", ["tsdb", "create-blocks-from", "openmetrics", `--max-block-duration=${Math.ceil(hours) + 1}h`, file, this.tsdb]);
    fs.rmSync(file);
  }
}
