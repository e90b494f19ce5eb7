// One PagerDuty incident per fault, on the prod routing with real prometheus and
// prometheus-alertmanager: 50% errors (a burn-rate page and CriticalErrorRate), 3 s latency (two
// latency SLOs burning and HighLatency on both) and an outage (ServiceDown, with the
// SLOMetricMissing warnings it causes muted). An incident is a PagerDuty dedup_key that was
// triggered; every trigger of one fault must carry the same key.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { parse as parseYaml } from "yaml";
import { postAlerts, testAlert } from "../../local/alert-api";
import { LOCAL_TIMING } from "../../local/local-settings";
import { LocalPipeline } from "../../local/pipeline";
import type { Notification } from "../../local/receivers";
import { durationSeconds } from "../../monitoring/duration";
import { stackFile } from "../helpers/pulumi-program";
import { tmpDir } from "../helpers/tools";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bodyOf = (n: Notification) => JSON.parse(n.body) as { dedup_key: string; event_action: string; payload: { summary: string } };

describe("e2e: one page per incident (prod routing, real prometheus + alertmanager)", function () {
  this.timeout(180_000);
  let pipeline: LocalPipeline;
  let dir: string;
  // Long enough for every alert of a fault to have fired and been flushed: the longest local `for` and two group intervals.
  const laterAlertsMs = (durationSeconds(LOCAL_TIMING.alerts.latencyFor) + durationSeconds(LOCAL_TIMING.alertmanager.groupInterval) * 2 + 5) * 1000;

  // Each fault breaks its own service: burn-rate alerts outlive a fault by up to their long window.
  const pagesAbout = (service: string, from: number) =>
    pipeline.receivers.notifications.slice(from).filter((n) => n.channel === "pagerduty" && bodyOf(n).payload.summary.includes(` ${service} (`));
  const incidents = (service: string, from: number) => [...new Set(pagesAbout(service, from).filter((n) => bodyOf(n).event_action === "trigger").map((n) => bodyOf(n).dedup_key))];
  const alertsOf = async (name: string, service: string) => {
    const filter = [`alertname="${name}"`, `service="${service}"`].map((f) => `filter=${encodeURIComponent(f)}`).join("&");
    const res = await fetch(`${pipeline.alertmanagerUrl}/api/v2/alerts?${filter}`);
    return (await res.json()) as { labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }[];
  };
  async function waitForAlerts(service: string, names: string[]): Promise<void> {
    for (const name of names) {
      const deadline = Date.now() + 60_000;
      while ((await alertsOf(name, service)).length === 0) {
        if (Date.now() > deadline) assert.fail(`${name} never fired for ${service}`);
        await sleep(500);
      }
    }
  }

  /** Breaks a service, waits until every alert the fault raises has reached Alertmanager and been flushed; returns its incidents. */
  async function fault(service: string, command: string[], alerts: string[]): Promise<string[]> {
    const start = pipeline.receivers.notifications.length;
    pipeline.demo.run([service, ...command]);
    await pipeline.receivers.waitFor(`a page for ${service} ${command.join(" ")}`, () => pagesAbout(service, start).length > 0, 60_000);
    await waitForAlerts(service, alerts);
    await sleep(laterAlertsMs);
    return incidents(service, start);
  }

  // The two faults run side by side, each on its own service; each test awaits its own.
  const faults: Record<string, Promise<string[]>> = {};
  before(async function () {
    dir = tmpDir("ananta-e2e-");
    pipeline = await LocalPipeline.start({ stackFile: stackFile("prod"), dir });
    faults.errors = fault("cns-service", ["errors", "0.5"], ["ErrorBudgetBurningFast", "CriticalErrorRate"]);
    faults.latency = fault("customer-portal-api", ["latency", "3"], ["ErrorBudgetBurningFast", "HighLatency"]);
    // A failure is reported by the test that awaits it.
    for (const f of Object.values(faults)) f.catch(() => undefined);
  });

  after(async function () {
    await Promise.allSettled(Object.values(faults));
    await pipeline?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("50% errors open one incident: the burn-rate page, with CriticalErrorRate muted", async () => {
    const keys = await faults.errors;
    assert.equal(keys.length, 1, `incidents: ${keys.join(", ")}`);
    for (const a of await alertsOf("CriticalErrorRate", "cns-service")) assert.equal(a.status.state, "suppressed", "CriticalErrorRate is muted while availability burns");
  });

  it("3 s latency opens one incident for both latency SLOs and HighLatency", async () => {
    const service = "customer-portal-api";
    assert.ok(pipeline.settings.services.find((s) => s.name === service)!.slo.latency.length >= 2, `${service} has two latency SLOs`);
    const keys = await faults.latency;
    assert.equal(keys.length, 1, `incidents: ${keys.join(", ")}`);
    const burning = new Set((await alertsOf("ErrorBudgetBurningFast", service)).map((a) => a.labels.slo));
    for (const a of await alertsOf("HighLatency", service)) {
      if (burning.has(a.labels.slo)) assert.equal(a.status.state, "suppressed", `HighLatency ${a.labels.slo} is muted while its SLO burns`);
    }
  });

  it("mutes SLOMetricMissing while ServiceDown fires for the service", async () => {
    const service = "tenant-management-service";
    const start = pipeline.receivers.notifications.length;
    pipeline.demo.run([service, "down"]);
    await waitForAlerts(service, ["ServiceDown"]);
    await pipeline.receivers.waitFor(`ServiceDown paged for ${service}`, () => pagesAbout(service, start).length > 0, 60_000);
    // SLOMetricMissing waits 10 minutes: post it with the generated rules' labels, as Prometheus would.
    const rules = Object.entries(pipeline.files)
      .filter(([f]) => f.startsWith("prometheus/rules/"))
      .flatMap(([, text]) => (parseYaml(text) as { groups: { rules: { alert?: string; expr: string; labels?: Record<string, string> }[] }[] }).groups.flatMap((g) => g.rules));
    // A rule of the service's own, or the one of the services sharing the SLO's settings (their series carry service, plane and team).
    const svc = pipeline.settings.services.find((s) => s.name === service)!;
    const covers = (expr: string) => (/service=~"([^"]*)"/.exec(expr)?.[1].split("|") ?? []).includes(service);
    const missing = rules.filter((r) => r.alert === "SLOMetricMissing" && (r.labels?.service === service || covers(r.expr)));
    assert.ok(missing.length >= 3, "availability and both latency SLOs have a no-data alert");
    const owner = { service, plane: svc.plane, ...(svc.team ? { team: svc.team } : {}) };
    const alerts = missing.map((r) => ({ ...testAlert({ severity: r.labels!.severity, plane: svc.plane, service, alertname: "SLOMetricMissing" }), labels: { alertname: "SLOMetricMissing", ...owner, ...r.labels! } }));
    await postAlerts(pipeline.alertmanagerUrl, alerts);
    const states = await alertsOf("SLOMetricMissing", service);
    assert.equal(states.length, missing.length);
    for (const a of states) assert.equal(a.status.state, "suppressed", `SLOMetricMissing ${a.labels.slo}`);
    await sleep((durationSeconds(LOCAL_TIMING.alertmanager.groupWait) + durationSeconds(LOCAL_TIMING.alertmanager.groupInterval) + 2) * 1000);
    assert.deepEqual(pipeline.receivers.notifications.slice(start).filter((n) => /SLOMetricMissing/.test(n.summary)).map((n) => n.channel), []);
    assert.equal(incidents(service, start).length, 1);
  });
});
