// End to end on loopback: the prod stack's Alertmanager routing, rendered through the settings
// loader with short intervals and local stand-ins (fake PagerDuty, one fake Slack webhook per
// channel, an SMTP sink), driven by real prometheus and prometheus-alertmanager processes
// scraping the demo service. An outage of cns-service must page exactly the receivers of the
// reference's alert flow, an inhibited alert must not arrive, and recovery must resolve.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { parse as parseYaml } from "yaml";
import { postAlerts, testAlert } from "../../local/alert-api";
import { LOCAL_TIMING } from "../../local/local-settings";
import { LocalPipeline } from "../../local/pipeline";
import type { Notification } from "../../local/receivers";
import { durationSeconds } from "../../monitoring/duration";
import { serviceOwner } from "../../monitoring/scrape-jobs";
import { stackFile } from "../helpers/pulumi-program";
import { coversService } from "../helpers/rules";
import { tmpDir, tool } from "../helpers/tools";

const SERVICE = "cns-service";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("e2e: prod routing on loopback (real prometheus + alertmanager)", function () {
  this.timeout(60_000);
  let pipeline: LocalPipeline;
  let dir: string;
  const since = (n: number) => (all: Notification[]) => all.slice(n);
  // Long enough for Alertmanager to have flushed any group it was going to send.
  const settleMs = (durationSeconds(LOCAL_TIMING.alertmanager.groupWait) + durationSeconds(LOCAL_TIMING.alertmanager.groupInterval) + 2) * 1000;

  /** The reference's flow: critical → PagerDuty, #critical-alerts, on-call e-mail; app plane → #app-plane-alerts, app-plane e-mail. */
  const expectedForAppCritical = () => {
    const t = pipeline.settings.notifications.teams;
    return ["pagerduty", `slack ${t.critical.slack!.channel}`, `email ${t.oncall.email}`, `slack ${t.appPlane.slack!.channel}`, `email ${t.appPlane.email}`].sort();
  };
  const channels = (ns: Notification[]) => [...new Set(ns.map((n) => n.channel))].sort();
  const about = (ns: Notification[], alertname: string) => ns.filter((n) => n.summary.includes(alertname));

  before(async function () {
    dir = tmpDir("ananta-e2e-");
    pipeline = await LocalPipeline.start({ stackFile: stackFile("prod"), dir });
  });

  after(async function () {
    await pipeline?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the fake secrets out of the rendered files", () => {
    const text = Object.values(pipeline.files).join("\n");
    assert.equal(text.includes(pipeline.secrets.pagerdutyKey), false);
    assert.equal(text.includes(pipeline.secrets.smtpPassword), false);
  });

  it("pages exactly the reference's receivers when cns-service goes down", async () => {
    const expected = expectedForAppCritical();
    const start = pipeline.receivers.notifications.length;
    pipeline.demo.run([SERVICE, "down"]);
    await pipeline.receivers.waitFor(`ServiceDown firing at ${expected.join(", ")}`, (all) => {
      const got = about(since(start)(all), "ServiceDown").filter((n) => n.status === "firing");
      return expected.every((c) => got.some((n) => n.channel === c));
    }, 40_000);
    await sleep(settleMs);
    const arrived = since(start)(pipeline.receivers.notifications);
    assert.deepEqual(channels(arrived), expected, "no receiver outside the reference's flow is notified");
    for (const n of arrived) assert.match(n.summary, new RegExp(`FIRING:1\\] ServiceDown ${SERVICE} \\(app plane\\)`));
    assert.match(about(arrived, "ServiceDown").find((n) => n.channel === "pagerduty")!.body, /"severity":"critical"/);
  });

  it("does not deliver an error-rate alert that ServiceDown inhibits", async () => {
    // The labels the generated HighErrorRate rule gives cns-service, posted as Prometheus would.
    const rules = Object.entries(pipeline.files)
      .filter(([f]) => f.startsWith("prometheus/rules/"))
      .flatMap(([, text]) => (parseYaml(text) as { groups: { rules: { alert?: string; expr: string; labels?: Record<string, string> }[] }[] }).groups.flatMap((g) => g.rules));
    const rule = rules.find((r) => r.alert === "HighErrorRate" && coversService(r, SERVICE));
    assert.ok(rule, "the rendered rules have a HighErrorRate rule for cns-service");
    // The series' labels (those the scrape job attaches), then the rule's.
    const svc = pipeline.settings.services.find((s) => s.name === SERVICE)!;
    const series = { job: svc.job, ...serviceOwner(svc) };
    const alert = { ...testAlert({ severity: rule.labels!.severity, plane: svc.plane, service: SERVICE, alertname: "HighErrorRate" }), labels: { alertname: "HighErrorRate", ...series, ...rule.labels! } };
    const start = pipeline.receivers.notifications.length;
    await postAlerts(pipeline.alertmanagerUrl, [alert]);

    const res = await fetch(`${pipeline.alertmanagerUrl}/api/v2/alerts?filter=${encodeURIComponent('alertname="HighErrorRate"')}`);
    const [state] = (await res.json()) as { status: { state: string; inhibitedBy: string[] } }[];
    assert.equal(state.status.state, "suppressed");
    assert.equal(state.status.inhibitedBy.length, 1);
    await sleep(settleMs);
    assert.deepEqual(about(since(start)(pipeline.receivers.notifications), "HighErrorRate"), []);
    // Resolve it before the outage ends, so recovery does not release it.
    await postAlerts(pipeline.alertmanagerUrl, [{ ...alert, endsAt: new Date().toISOString() }]);
  });

  it("mutes a slower burn-rate tier while a faster one fires for the same SLO (amtool alert query)", async () => {
    const burn = (alertname: string, tier: string, severity: string) => {
      const svc = pipeline.settings.services.find((s) => s.name === SERVICE)!;
      const labels = { alertname, severity, category: "slo", slo: "availability", burn_tier: tier, ...serviceOwner(svc) };
      return { ...testAlert({ severity, plane: svc.plane, service: SERVICE, alertname }), labels };
    };
    const fast = burn("ErrorBudgetBurningFast", "6h", "critical");
    const slow = burn("ErrorBudgetBurningSlow", "1d", "warning");
    const start = pipeline.receivers.notifications.length;
    await postAlerts(pipeline.alertmanagerUrl, [fast, slow]);
    const query = (...args: string[]) => tool("amtool", ["alert", "query", "--alertmanager.url", pipeline.alertmanagerUrl, "-o", "extended", ...args, "alertname=~ErrorBudgetBurning.*"]);
    const inhibited = query("--inhibited");
    assert.equal(inhibited.code, 0, inhibited.stderr);
    assert.match(inhibited.stdout, /ErrorBudgetBurningSlow[^\n]*burn_tier="1d"/, "amtool lists the 1d tier as inhibited");
    assert.doesNotMatch(inhibited.stdout, /ErrorBudgetBurningFast/, "the faster tier is not inhibited");
    await sleep(settleMs);
    assert.deepEqual(about(since(start)(pipeline.receivers.notifications), "ErrorBudgetBurningSlow"), [], "the muted tier reached no receiver");
    // Resolved, and its resolved notifications sent, before the next case counts what arrives.
    await postAlerts(pipeline.alertmanagerUrl, [fast, slow].map((a) => ({ ...a, endsAt: new Date().toISOString() })));
    await sleep(settleMs);
  });

  it("sends the resolved notifications when cns-service recovers", async () => {
    const expected = expectedForAppCritical();
    const start = pipeline.receivers.notifications.length;
    pipeline.demo.run([SERVICE, "up"]);
    await pipeline.receivers.waitFor(`ServiceDown resolved at ${expected.join(", ")}`, (all) => {
      const got = about(since(start)(all), "ServiceDown").filter((n) => n.status === "resolved");
      return expected.every((c) => got.some((n) => n.channel === c));
    }, 40_000);
    await sleep(settleMs);
    assert.deepEqual(channels(since(start)(pipeline.receivers.notifications)), expected);
  });

  it("delivers a test alert (npm run test-alert) by its severity and plane", async () => {
    const t = pipeline.settings.notifications.teams;
    const start = pipeline.receivers.notifications.length;
    const service = pipeline.settings.services.find((s) => s.plane === "control")!.name;
    await postAlerts(pipeline.alertmanagerUrl, [testAlert({ severity: "warning", plane: "control", service })]);
    // Warnings post to #platform-alerts; the control-plane team owns control-plane alerts.
    const expected = [`slack ${t.platform.slack!.channel}`, `slack ${t.controlPlane.slack!.channel}`, `email ${t.controlPlane.email}`].sort();
    await pipeline.receivers.waitFor(`TestAlert at ${expected.join(", ")}`, (all) => expected.every((c) => about(since(start)(all), "TestAlert").some((x) => x.channel === c)), 20_000);
    await sleep(settleMs);
    assert.deepEqual(channels(since(start)(pipeline.receivers.notifications)), expected);
  });
});
