// Config changes reach Prometheus and Alertmanager by the validate-then-reload step (the one the
// Docker stack's sync containers run), on the local pipeline's real processes: a firing alert
// stays firing across a threshold change, a silence outlives an Alertmanager reload, and a
// broken file is refused with the tool's message while the old rules keep evaluating.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { postAlerts, testAlert } from "../../local/alert-api";
import { LOCAL_TIMING } from "../../local/local-settings";
import { durationSeconds } from "../../monitoring/duration";
import { LocalPipeline, SyncError } from "../../local/pipeline";
import type { Notification } from "../../local/receivers";
import type { FileTree } from "../../monitoring/files";
import { CURRENT, FILES } from "../../monitoring/layout";
import { stackFile } from "../helpers/pulumi-program";
import { coversService } from "../helpers/rules";
import { tmpDir } from "../helpers/tools";

const SERVICE = "cns-service";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface PromAlert {
  labels: Record<string, string>;
  state: string;
  activeAt: string;
}

describe("e2e: validated reload on loopback (real prometheus + alertmanager)", function () {
  this.timeout(90_000);
  let pipeline: LocalPipeline;
  let file: string;
  const get = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;
  const critical = async () =>
    (await get<{ data: { alerts: PromAlert[] } }>(`${pipeline.prometheusUrl}/api/v1/alerts`)).data.alerts.find((a) => a.labels.alertname === "CriticalErrorRate" && a.labels.service === SERVICE);
  const ruleExpr = async (alert: string) =>
    (await get<{ data: { groups: { rules: { name: string; query: string; labels?: Record<string, string> }[] }[] } }>(`${pipeline.prometheusUrl}/api/v1/rules`)).data.groups
      .flatMap((g) => g.rules)
      .find((r) => r.name === alert && coversService({ labels: r.labels, expr: r.query }, SERVICE))?.query;
  const metric = async (name: string) => Number((await get<{ data: { result: { value: [number, string] }[] } }>(`${pipeline.prometheusUrl}/api/v1/query?query=${name}`)).data.result[0]?.value[1]);
  const appendToStack = (yaml: string) => fs.appendFileSync(file, yaml);
  const about = (ns: Notification[], name: string) => ns.filter((n) => n.summary.includes(name));

  before(async () => {
    const dir = tmpDir("ananta-reload-");
    file = path.join(dir, "Pulumi.reload.yaml");
    // With a burn-rate page that 50% errors never meet (80% of the budget in an hour: a 57.6%
    // error ratio; no latency SLOs, which could not have such a page), so that CriticalErrorRate
    // is not inhibited: an Alertmanager reload rebuilds its inhibitor beside its dispatcher, and an
    // alert inhibited before may be sent once (README, "What pulumi up does"); this test is about
    // what a reload keeps.
    fs.writeFileSync(file, `${fs.readFileSync(stackFile("dev"), "utf8")}  ananta-monitoring:slo:\n    latency: []\n    alerting:\n      page: [{long: 1h, short: 5m, budgetPercent: 80}]\n`);
    pipeline = await LocalPipeline.start({ stackFile: file, dir: path.join(dir, "run") });
    // Failing from the first scrape: the 5m ratio is 50% at once, so CriticalErrorRate fires within seconds.
    pipeline.demo.run([SERVICE, "errors", "0.5"]);
    await pipeline.receivers.waitFor("CriticalErrorRate firing", (all) => about(all, "CriticalErrorRate").some((n) => n.status === "firing"), 60_000);
    // Whatever else the fault causes is sent within a group wait and interval: the tests then see only what a reload causes.
    await sleep((durationSeconds(LOCAL_TIMING.alertmanager.groupWait) + durationSeconds(LOCAL_TIMING.alertmanager.groupInterval) + 2) * 1000);
  });

  after(async () => {
    await pipeline?.stop();
  });

  it("keeps a firing alert firing across a threshold change: no resolved, no new firing, same activeAt", async () => {
    const before = await critical();
    assert.equal(before?.state, "firing");
    assert.match((await ruleExpr("CriticalErrorRate"))!, /> 0\.05$/);
    const reloadedAt = await metric("prometheus_config_last_reload_success_timestamp_seconds");
    const seen = pipeline.receivers.notifications.length;
    appendToStack("  ananta-monitoring:alerts:\n    criticalErrorRatio: 0.06\n");
    const said = await pipeline.reload();
    assert.ok(said.some((l) => /^prometheus: reloaded v/.test(l)) && said.some((l) => /^alertmanager: reloaded v/.test(l)), said.join("\n"));
    assert.match((await ruleExpr("CriticalErrorRate"))!, /> 0\.06$/, "the new threshold is evaluating");
    assert.equal(await metric("prometheus_config_last_reload_successful"), 1);
    assert.ok((await metric("prometheus_config_last_reload_success_timestamp_seconds")) >= reloadedAt);
    // Long enough for Alertmanager to have sent anything the reload caused (group interval 5s).
    await sleep(9_000);
    const after = await critical();
    assert.deepEqual([after?.state, after?.activeAt], ["firing", before!.activeAt], "the alert kept its state and start");
    assert.deepEqual(about(pipeline.receivers.notifications.slice(seen), "CriticalErrorRate").map((n) => `${n.channel} ${n.status}`), [], "no flap reached any receiver");
  });

  it("keeps a silence made before an Alertmanager reload silencing after it", async () => {
    const alert = { ...testAlert({ severity: "warning", plane: "app", service: SERVICE, alertname: "SilencedDuringReload", minutes: 10 }) };
    const now = new Date();
    const res = await fetch(`${pipeline.alertmanagerUrl}/api/v2/silences`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ matchers: [{ name: "alertname", value: "SilencedDuringReload", isRegex: false, isEqual: true }], startsAt: now.toISOString(), endsAt: new Date(now.getTime() + 3_600_000).toISOString(), createdBy: "reload test", comment: "kept across reloads" }),
    });
    const { silenceID } = (await res.json()) as { silenceID: string };
    assert.ok(silenceID);
    appendToStack("  ananta-monitoring:alertmanager:\n    repeatInterval:\n      warning: 7h\n");
    await pipeline.reload();
    const status = await get<{ config: { original: string } }>(`${pipeline.alertmanagerUrl}/api/v2/status`);
    assert.match(status.config.original, /repeat_interval: 7h/, "Alertmanager runs the new configuration");
    const seen = pipeline.receivers.notifications.length;
    await postAlerts(pipeline.alertmanagerUrl, [alert]);
    await sleep(4_000);
    const [state] = await get<{ status: { state: string; silencedBy: string[] } }[]>(`${pipeline.alertmanagerUrl}/api/v2/alerts?filter=${encodeURIComponent('alertname="SilencedDuringReload"')}`);
    assert.deepEqual(state.status, { ...state.status, state: "suppressed", silencedBy: [silenceID] });
    const silences = await get<{ id: string; status: { state: string } }[]>(`${pipeline.alertmanagerUrl}/api/v2/silences`);
    assert.equal(silences.find((s) => s.id === silenceID)?.status.state, "active");
    assert.deepEqual(about(pipeline.receivers.notifications.slice(seen), "SilencedDuringReload"), []);
  });

  it("refuses a broken rule file with promtool's message; the running rules keep evaluating", async () => {
    const live = fs.readlinkSync(path.join(pipeline.live("prometheus"), CURRENT));
    const broken = (tree: FileTree) => ({ ...tree, [FILES.rule("critical")]: "groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: up ==\n" });
    await assert.rejects(pipeline.apply(pipeline.settings, broken), (e: Error) => {
      assert.ok(e instanceof SyncError);
      assert.match(e.message, /critical\.yml/);
      assert.match(e.message, /prometheus: refused the new configuration; the running one is unchanged/);
      return true;
    });
    assert.equal(fs.readlinkSync(path.join(pipeline.live("prometheus"), CURRENT)), live, "current still links the running version");
    assert.match((await ruleExpr("CriticalErrorRate"))!, /> 0\.06$/);
    assert.equal((await critical())?.state, "firing");
    assert.equal(await metric("prometheus_config_last_reload_successful"), 1, "no failed reload: nothing was asked to reload");
  });

  it("refuses a broken Alertmanager configuration with amtool's message", async () => {
    const broken = (tree: FileTree) => ({ ...tree, [FILES.alertmanagerConfig]: tree[FILES.alertmanagerConfig].replace("receiver: watchdog", "receiver: nobody-by-that-name") });
    await assert.rejects(pipeline.apply(pipeline.settings, broken), /undefined receiver "nobody-by-that-name"[\s\S]*alertmanager: refused the new configuration; the running one is unchanged/);
    const status = await get<{ config: { original: string } }>(`${pipeline.alertmanagerUrl}/api/v2/status`);
    assert.doesNotMatch(status.config.original, /nobody-by-that-name/);
  });
});
