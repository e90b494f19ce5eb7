// npm run local as a user runs it: piped through another program (`| tee`), asked for help and
// status, found by npm run test-alert through the state file it records, and stopped with
// Ctrl-C (SIGINT to the whole process group, the reader of its output included). Nothing may
// be left behind: no data folder, no state file, no process.
import * as assert from "node:assert/strict";
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { readPipelineState, stateFile } from "../../local/pipeline-state";
import { ROOT } from "../helpers/pulumi-program";
import { tmpDir } from "../helpers/tools";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tsx = (script: string, ...args: string[]) => [process.execPath, "--import", "tsx", path.join(ROOT, script), ...args];
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

async function until(what: string, check: () => boolean, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output so far:\n${output()}`);
    await sleep(200);
  }
}

describe("e2e: npm run local through a pipe, test-alert, Ctrl-C", function () {
  this.timeout(90_000);
  let dir: string;
  let out: string;
  let local: ChildProcess;
  const output = () => (fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "");

  before(async () => {
    dir = tmpDir("ananta-local-cli-");
    out = path.join(dir, "out.txt");
    // `cat` stands in for tee: it dies of the same SIGINT, so our output pipe breaks mid-stop.
    const command = `${tsx("cli/local.ts", "--dir", path.join(dir, "run")).map(quote).join(" ")} 2>&1 | cat > ${quote(out)}`;
    local = spawn("sh", ["-c", command], { cwd: ROOT, detached: true, stdio: ["pipe", "ignore", "ignore"] });
    await until("the pipeline to start", () => output().includes("Notifications appear below"), 60_000, output);
  });

  after(() => {
    if (local.exitCode === null && local.signalCode === null) process.kill(-local.pid!, "SIGKILL");
  });

  it("records where it listens, and test-alert finds it there", async () => {
    const found = readPipelineState(path.join(dir, "run"));
    assert.ok("state" in found, JSON.stringify(found));
    assert.ok(fs.existsSync(found.state.dataDir));
    const r = spawnSync(tsx("cli/test-alert.ts")[0], [...tsx("cli/test-alert.ts").slice(1), "--severity", "warning", "--plane", "control", "--service", "tenant-management-service", "--dir", path.join(dir, "run")], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.ok(r.stdout.includes(`to ${found.state.alertmanagerUrl}`), r.stdout);
    await until("the test alert to be delivered", () => /FIRING\s+.*TestAlert/.test(output()), 30_000, output);
  });

  it("test-alert refuses a plane or service the running stack lacks, says when an alert is inhibited, and resolves with --minutes 0", async () => {
    const run = (...args: string[]) => spawnSync(tsx("cli/test-alert.ts")[0], [...tsx("cli/test-alert.ts").slice(1), ...args, "--dir", path.join(dir, "run")], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
    const typo = run("--severity", "warning", "--plane", "app", "--service", "cns-servce");
    assert.equal(typo.status, 1);
    assert.match(typo.stderr, /--service "cns-servce" is not a service of this stack; its services: .*cns-service/);
    const plane = run("--severity", "warning", "--plane", "data", "--service", "cns-service");
    assert.equal(plane.status, 1);
    assert.match(plane.stderr, /--plane "data" is not a plane of this stack; its planes: control, app/);
    const labels = ["--plane", "app", "--service", "cns-service", "--alertname", "InhibitionProbe"];
    assert.equal(run("--severity", "critical", ...labels).status, 0);
    const warning = run("--severity", "warning", ...labels);
    assert.equal(warning.status, 0, warning.stderr);
    assert.match(warning.stdout, /it is inhibited \(no notification\) while these fire: InhibitionProbe \(cns-service\)/);
    await until("the probe to fire", () => /FIRING\s+.*InhibitionProbe service=cns-service severity=critical/.test(output()), 30_000, output);
    const resolved = run("--severity", "critical", ...labels, "--minutes", "0");
    assert.equal(resolved.status, 0, resolved.stderr);
    assert.match(resolved.stdout, /^resolved \{alertname="InhibitionProbe", severity="critical"/);
    await until("the probe to resolve", () => /RESOLVED\s+.*InhibitionProbe service=cns-service severity=critical/.test(output()), 30_000, output);
  });

  it("refuses a second pipeline in the same folder, naming the one running", () => {
    const r = spawnSync(tsx("cli/local.ts")[0], [...tsx("cli/local.ts").slice(1), "--dir", path.join(dir, "run")], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /a local pipeline \(pid \d+, Pulumi\.dev\.yaml\) is already running from .*; stop it, or start this one in its own folder with --dir <folder>/);
  });

  it("lists its commands on help and prints status as a table", async () => {
    local.stdin!.write("help\nstatus\n");
    // The banner lists the commands indented; help prints them from the line start.
    await until("help and status", () => /\nhelp\s+print these commands/.test(output()) && /SERVICE\s+SCRAPES\s+ERRORS\s+LATENCY\n(.*\n)*cns-service\s+up\s+0%\s+0\.05s/.test(output()), 10_000, output);
    // Then what Prometheus says: the firing alerts and every SLO's budget (full on a fresh, healthy
    // stack, once the history group has run: it runs every 5 minutes, so maybe not yet).
    await until("firing alerts and budgets", () => /\nfiring alerts: none\n/.test(output()) && /\nerror budget left \(slo:error_budget:remaining\):( no data yet|(\n.*)*\n\s+cns-service\s+availability\s+100\.0%)/.test(output()), 10_000, output);
  });

  it("on Ctrl-C stops every process and removes its data and state file, though its output pipe broke", async () => {
    const { state } = readPipelineState(path.join(dir, "run")) as { state: { dataDir: string } };
    process.kill(-local.pid!, "SIGINT");
    await new Promise((r) => local.once("exit", r));
    await until("the data folder to go", () => !fs.existsSync(state.dataDir), 15_000, output);
    assert.equal(fs.existsSync(stateFile(path.join(dir, "run"))), false, "state file removed");
    const left = spawnSync("pgrep", ["-f", state.dataDir], { encoding: "utf8" }).stdout.trim();
    assert.equal(left, "", `processes left: ${left}`);
  });
});

describe("e2e: npm run local watches its processes and leaves nothing after a SIGKILL", function () {
  this.timeout(120_000);
  const pids = (pattern: string) => spawnSync("pgrep", ["-f", pattern], { encoding: "utf8" }).stdout.trim().split("\n").filter(Boolean).map(Number);
  const started: ChildProcess[] = [];
  const start = (dir: string, out: string) => {
    const command = `${tsx("cli/local.ts", "--dir", dir).map(quote).join(" ")} > ${quote(out)} 2>&1`;
    const child = spawn("sh", ["-c", command], { cwd: ROOT, detached: true, stdio: ["pipe", "ignore", "ignore"] });
    started.push(child);
    return child;
  };
  after(() => {
    for (const c of started) if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, "SIGKILL");
  });

  it("says when Prometheus dies and starts it again; after a SIGKILL its children go at once and the next start removes the stale data", async () => {
    const dir = tmpDir("ananta-local-watch-");
    const out = path.join(dir, "out.txt");
    const output = () => (fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "");
    start(path.join(dir, "run"), out);
    await until("the pipeline to start", () => output().includes("Notifications appear below"), 60_000, output);
    const { state } = readPipelineState(path.join(dir, "run")) as { state: { pid: number; dataDir: string } };

    const [prometheus] = pids(`${state.dataDir}/prometheus`);
    assert.ok(prometheus, "prometheus runs on the pipeline's data");
    process.kill(prometheus, "SIGKILL");
    await until("the crash to be reported and prometheus restarted", () => /prometheus exited unexpectedly[\s\S]*prometheus started again and ready/.test(output()), 30_000, output);
    assert.equal(pids(`${state.dataDir}/prometheus`).length, 1);

    process.kill(state.pid, "SIGKILL");
    await until("its children to die with it", () => pids(state.dataDir).length === 0, 10_000, output);
    assert.ok(fs.existsSync(state.dataDir), "a SIGKILL leaves the data folder (nothing ran to remove it)");

    const again = path.join(dir, "again.txt");
    const second = start(path.join(dir, "run"), again);
    const output2 = () => (fs.existsSync(again) ? fs.readFileSync(again, "utf8") : "");
    await until("the next pipeline to start in the same folder", () => output2().includes("Notifications appear below"), 60_000, output2);
    assert.equal(fs.existsSync(state.dataDir), false, "the stale data folder was removed at the next start");
    process.kill(-second.pid!, "SIGINT");
    await new Promise((r) => second.once("exit", r));
  });
});

describe("npm run test-alert without a running local pipeline", () => {
  it("points at --password-file when the Alertmanager answers 401", async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(401, { "www-authenticate": 'Basic realm="alertmanager"' });
      res.end("Unauthorized");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const r = spawn(tsx("cli/test-alert.ts")[0], [...tsx("cli/test-alert.ts").slice(1), "--severity", "critical", "--plane", "app", "--service", "cns-service", "--url", url], { cwd: ROOT });
      let stderr = "";
      r.stderr!.on("data", (d) => (stderr += d));
      const code = await new Promise((done) => r.once("exit", done));
      assert.equal(code, 1);
      assert.match(stderr, /requires the API user's password \(401\): pass --password-file <file>/);
    } finally {
      server.close();
    }
  });

  it("says none is running and how to point it elsewhere", () => {
    const dir = tmpDir();
    const r = spawnSync(tsx("cli/test-alert.ts")[0], [...tsx("cli/test-alert.ts").slice(1), "--severity", "critical", "--plane", "app", "--service", "cns-service", "--dir", dir], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no local pipeline is running \(.*pipeline\.json not found\); start it with `npm run local`.*--url http:\/\/<host>:9093/);
  });
});
