// npm run doctor against the local pipeline (real prometheus and prometheus-alertmanager): a
// healthy stack passes every check; a target down, a rule group whose rule fails at evaluation and
// an Alertmanager that does not answer each fail their row, naming what is wrong, with exit 1.
import * as assert from "node:assert/strict";
import { stringify } from "yaml";
import { LocalPipeline } from "../../local/pipeline";
import { freePorts } from "../../local/ports";
import { FILES } from "../../monitoring/layout";
import { stackFile } from "../helpers/pulumi-program";
import { runCli, tmpDir } from "../helpers/tools";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const doctor = (...args: string[]) => runCli("doctor", ...args);

describe("npm run doctor (local pipeline, real prometheus + alertmanager)", function () {
  this.timeout(180_000);
  let pipeline: LocalPipeline;
  const run = (...extra: string[]) => doctor("--prometheus", pipeline.prometheusUrl, "--alertmanager", pipeline.alertmanagerUrl, "--config", stackFile("dev"), ...extra);
  const row = (out: string, check: string) => out.split("\n").find((l) => l.startsWith(check)) ?? "";

  /**
   * Runs the doctor until `done` holds for its answer: a fresh stack settles within a group
   * interval (the Watchdog's group runs every minute, its first evaluation up to a minute in).
   */
  async function until(what: string, done: (r: { code: number | null; out: string }) => boolean): Promise<{ code: number | null; out: string }> {
    const deadline = Date.now() + 100_000;
    for (;;) {
      const r = await run();
      if (done(r)) return r;
      if (Date.now() > deadline) assert.fail(`${what}; last answer:\n${r.out}`);
      await sleep(1_000);
    }
  }

  before(async () => {
    pipeline = await LocalPipeline.start({ stackFile: stackFile("dev"), dir: tmpDir("ananta-doctor-") });
  });
  after(async () => {
    await pipeline?.stop();
  });

  it("passes every check on a healthy stack, exit 0", async () => {
    const r = await until("every check passes", (x) => x.code === 0);
    for (const check of ["Prometheus ready", "every scrape target up", "every rule group evaluating", "SLO series present for every SLO", "Alertmanager cluster members", "Watchdog firing"]) {
      assert.match(row(r.out, check), /PASS/, check);
    }
    assert.match(r.out, /\n10 passed, 0 skipped, 0 failed\n$/);
  });

  it("names a scrape target that is down", async () => {
    pipeline.demo.run(["cns-service", "down"]);
    try {
      const r = await until("the target shows down", (x) => /FAIL/.test(row(x.out, "every scrape target up")));
      assert.equal(r.code, 1);
      assert.match(row(r.out, "every scrape target up"), /app-plane-cns-service 127\.0\.0\.1:\d+: down/);
    } finally {
      pipeline.demo.run(["cns-service", "up"]);
    }
  });

  it("names a rule that fails at evaluation (promtool accepts it; the engine does not)", async () => {
    const broken = { groups: [{ name: "doctor-broken", interval: "1s", rules: [{ record: "doctor:broken", expr: "vector(1) + on() up" }] }] };
    await pipeline.apply(pipeline.settings, (tree) => ({ ...tree, [FILES.rule("doctor-broken")]: stringify(broken) }));
    try {
      const r = await until("the failing rule shows", (x) => /doctor-broken: doctor:broken fails/.test(row(x.out, "every rule group evaluating")));
      assert.equal(r.code, 1);
      assert.match(row(r.out, "every rule group evaluating"), /FAIL.*doctor-broken: doctor:broken fails: .*matching/);
    } finally {
      await pipeline.apply(pipeline.settings);
    }
  });

  it("fails the Alertmanager checks when it does not answer", async () => {
    const [unused] = await freePorts(1);
    const r = await doctor("--prometheus", pipeline.prometheusUrl, "--alertmanager", `http://127.0.0.1:${unused}`);
    assert.equal(r.code, 1, r.out);
    assert.match(row(r.out, "Alertmanager ready"), /FAIL {2}http:\/\/127\.0\.0\.1:\d+ did not answer/);
    assert.match(row(r.out, "Watchdog firing"), /FAIL/);
    assert.match(row(r.out, "Prometheus ready"), /PASS/);
  });
});
