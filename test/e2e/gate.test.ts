// npm run gate against a real Prometheus whose budget series are known: recording rules hold
// slo:error_budget:remaining at 60% (healthy), 20% (under freeze) and 5% (under stop). The exit
// code is the policy; an unreachable Prometheus or a missing series fails closed.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { findBinary, ManagedProcess } from "../../local/processes";
import { freePorts } from "../../local/ports";
import { GATE_EXIT } from "../../tools/budget-gate";
import { runCli, tmpDir } from "../helpers/tools";

const BUDGETS: Record<string, Record<string, number>> = {
  healthy: { availability: 0.6, p99: 0.9 },
  freezing: { availability: 0.2, p99: 0.8 },
  stopping: { availability: 0.05, p99: 0.7 },
};

const gate = (...args: string[]) => runCli("gate", ...args);

describe("npm run gate (real prometheus)", function () {
  this.timeout(60_000);
  let prometheus: ManagedProcess;
  let url: string;

  before(async () => {
    const dir = tmpDir("ananta-gate-");
    const rules = Object.entries(BUDGETS).flatMap(([service, slos]) =>
      Object.entries(slos).map(([slo, v]) => ({ record: "slo:error_budget:remaining", expr: `vector(${v})`, labels: { service, slo } })),
    );
    fs.writeFileSync(path.join(dir, "rules.yml"), stringify({ groups: [{ name: "budgets", interval: "1s", rules }] }));
    fs.writeFileSync(path.join(dir, "prometheus.yml"), stringify({ global: { evaluation_interval: "1s" }, rule_files: [path.join(dir, "rules.yml")] }));
    const [port] = await freePorts(1);
    url = `http://127.0.0.1:${port}`;
    prometheus = new ManagedProcess("prometheus", findBinary("prometheus"), [`--config.file=${path.join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`]);
    await prometheus.waitReady(`${url}/-/ready`);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = (await (await fetch(`${url}/api/v1/query?query=count(slo:error_budget:remaining)`)).json()) as { data: { result: { value: [number, string] }[] } };
      if (res.data.result[0]?.value[1] === "6") break;
      if (Date.now() > deadline) throw new Error("the budget rules never evaluated");
      await new Promise((r) => setTimeout(r, 300));
    }
  });

  after(async () => {
    await prometheus?.stop();
  });

  it("goes at 60% left, saying so per SLO", async () => {
    const r = await gate("--prometheus", url, "--service", "healthy");
    assert.equal(r.code, GATE_EXIT.go, r.out);
    assert.match(r.out, /^healthy availability: 60\.0% of its error budget left, within policy\nhealthy p99: 90\.0% of its error budget left, within policy\nGO: a normal change to healthy may deploy\n$/);
  });

  it("freezes a normal change at 20% left, lets a critical one through", async () => {
    const normal = await gate("--prometheus", url, "--service", "freezing");
    assert.equal(normal.code, GATE_EXIT.freeze, normal.out);
    assert.match(normal.out, /freezing availability: 20\.0% of its error budget left, under the freeze level \(25%\): only critical changes/);
    assert.match(normal.out, /FREEZE: freezing is under its freeze level/);
    const critical = await gate("--prometheus", url, "--service", "freezing", "--change", "critical");
    assert.equal(critical.code, GATE_EXIT.go, critical.out);
  });

  it("stops any change at 5% left", async () => {
    for (const change of ["normal", "critical"]) {
      const r = await gate("--prometheus", url, "--service", "stopping", "--change", change);
      assert.equal(r.code, GATE_EXIT.stop, r.out);
      assert.match(r.out, /stopping availability: 5\.0% of its error budget left, under the stop level \(10%\): no change goes out/);
    }
  });

  it("takes the levels from a stack's budget policy", async () => {
    // prod: freeze 25, stop 10 (the reference's table); with freeze at 15 a 20% budget goes.
    assert.equal((await gate("--prometheus", url, "--service", "freezing", "--stack", "prod")).code, GATE_EXIT.freeze);
    assert.equal((await gate("--prometheus", url, "--service", "freezing", "--freeze", "15", "--stop", "5")).code, GATE_EXIT.go);
  });

  it("fails closed when Prometheus does not answer or has no budget for the service, unless told to allow", async () => {
    const [unused] = await freePorts(1);
    const down = await gate("--prometheus", `http://127.0.0.1:${unused}`, "--service", "healthy");
    assert.equal(down.code, GATE_EXIT.unknown, down.out);
    assert.match(down.out, /^UNKNOWN: Prometheus at http:\/\/127\.0\.0\.1:\d+ did not answer: .*; failing closed \(--on-unknown allow lets the deploy go\)\n$/);
    const missing = await gate("--prometheus", url, "--service", "no-such-service");
    assert.equal(missing.code, GATE_EXIT.unknown, missing.out);
    assert.match(missing.out, /has no slo:error_budget:remaining\{service="no-such-service"\} series/);
    const allowed = await gate("--prometheus", `http://127.0.0.1:${unused}`, "--service", "healthy", "--on-unknown", "allow");
    assert.equal(allowed.code, GATE_EXIT.go, allowed.out);
    assert.match(allowed.out, /allowed by --on-unknown allow/);
  });

  it("lets an override through, printing its reason beside the verdict", async () => {
    const r = await gate("--prometheus", url, "--service", "stopping", "--override", "rollback of INC-123");
    assert.equal(r.code, GATE_EXIT.go, r.out);
    assert.match(r.out, /OVERRIDDEN: the gate said STOP; deploying anyway because: rollback of INC-123/);
    const empty = await gate("--prometheus", url, "--service", "stopping", "--override", " ");
    assert.equal(empty.code, 2);
    assert.match(empty.out, /--override needs a reason/);
  });
});
