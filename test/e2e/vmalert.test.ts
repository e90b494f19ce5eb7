// The rendered rules on a second engine: VictoriaMetrics' vmalert (Debian's victoria-metrics
// 1.79). With rules.engine vmalert they pass `vmalert -dryRun` (with the Prometheus default they do
// not: keep_firing_for), and an outage pages end to end with no Prometheus at all: the local
// pipeline's Prometheus is stopped, victoria-metrics scrapes the rendered scrape jobs, vmalert
// evaluates the rendered rules against it and sends to the pipeline's Alertmanager.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { LocalPipeline } from "../../local/pipeline";
import { freePorts } from "../../local/ports";
import { findBinary, ManagedProcess } from "../../local/processes";
import { FILES } from "../../monitoring/layout";
import { renderFiles } from "../../monitoring/files";
import { stackFile } from "../helpers/pulumi-program";
import { settingsWith, tmpDir } from "../helpers/tools";
import { writeTree } from "../../local/write-tree";

const SERVICE = "cns-service";
const dryRun = (dir: string) => spawnSync(findBinary("vmalert"), [`-rule=${path.join(dir, "prometheus/rules/*.yml")}`, "-dryRun"], { encoding: "utf8", timeout: 60_000 });

describe("rules on vmalert (VictoriaMetrics 1.79): dry run, and an outage paged with no Prometheus", function () {
  this.timeout(180_000);
  let pipeline: LocalPipeline;
  const processes: ManagedProcess[] = [];

  after(async () => {
    for (const p of processes.reverse()) await p.stop();
    await pipeline?.stop();
  });

  it("loads every rendered rule file with rules.engine vmalert; refuses keep_firing_for without it", () => {
    for (const stack of ["dev", "prod"]) {
      const vm = tmpDir("ananta-vmalert-");
      writeTree(vm, renderFiles(settingsWith(stack, { rules: { engine: "vmalert" } })));
      const ok = dryRun(vm);
      assert.equal(ok.status, 0, `${stack}: ${ok.stdout}${ok.stderr}`);
      const prom = tmpDir("ananta-vmalert-");
      writeTree(prom, renderFiles(settingsWith(stack, {})));
      const refused = dryRun(prom);
      assert.notEqual(refused.status, 0, `${stack}: the Prometheus rules carry keep_firing_for`);
      assert.match(`${refused.stdout}${refused.stderr}`, /keep_firing_for/);
    }
  });

  it("pages an outage end to end: victoria-metrics scrapes, vmalert evaluates, Alertmanager notifies", async () => {
    const dir = tmpDir("ananta-vmalert-e2e-");
    const file = path.join(dir, "Pulumi.dev.yaml");
    fs.writeFileSync(file, `${fs.readFileSync(stackFile("dev"), "utf8")}  ananta-monitoring:rules:\n    engine: vmalert\n`);
    pipeline = await LocalPipeline.start({ stackFile: file, dir: path.join(dir, "run") });
    // No Prometheus from here on: whatever pages, vmalert sent.
    await pipeline.kill("prometheus", "SIGTERM");
    const [vmPort, vmalertPort] = await freePorts(2);
    const vm = `http://127.0.0.1:${vmPort}`;
    const victoria = new ManagedProcess("victoria-metrics", findBinary("victoria-metrics"), [
      `-httpListenAddr=127.0.0.1:${vmPort}`,
      `-storageDataPath=${path.join(dir, "vm-data")}`,
      // The rendered prometheus.yml: its scrape jobs (rule_files and alerting are Prometheus's own).
      `-promscrape.config=${pipeline.localPath(FILES.prometheusConfig)}`,
      "-promscrape.config.strictParse=false",
      // VictoriaMetrics hides the newest 30 s of samples from queries by default (the README says what that costs).
      "-search.latencyOffset=1s",
    ]);
    processes.push(victoria);
    await victoria.waitReady(`${vm}/health`, 30_000);
    const vmalert = new ManagedProcess("vmalert", findBinary("vmalert"), [
      `-rule=${path.join(path.dirname(pipeline.localPath(FILES.prometheusConfig)), "rules/*.yml")}`,
      `-datasource.url=${vm}`,
      `-remoteWrite.url=${vm}`,
      `-notifier.url=${pipeline.alertmanagerUrl}`,
      `-httpListenAddr=127.0.0.1:${vmalertPort}`,
      `-evaluationInterval=${pipeline.settings.docker.evaluationInterval}`,
    ]);
    processes.push(vmalert);
    await vmalert.waitReady(`http://127.0.0.1:${vmalertPort}/health`, 30_000);
    const start = pipeline.receivers.notifications.length;
    pipeline.demo.run([SERVICE, "down"]);
    await pipeline.receivers.waitFor(
      "the ServiceDown page from vmalert",
      (all) => all.slice(start).some((n) => n.channel === "pagerduty" && n.status === "firing" && n.summary.includes("ServiceDown") && n.body.includes(SERVICE)),
      90_000,
    );
    pipeline.demo.run([SERVICE, "up"]);
    await pipeline.receivers.waitFor("the resolve", (all) => all.slice(start).some((n) => n.channel === "pagerduty" && n.status === "resolved" && n.body.includes(SERVICE)), 90_000);
  });
});
