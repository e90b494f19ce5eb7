// Pure pieces of the local pipeline, validate and test-alert.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { ROOT } from "../../cli/args";
import { AlertInputError, testAlert } from "../../local/alert-api";
import { ControlError, HEALTHY, parseCommand } from "../../local/demo-control";
import { bucketsFor } from "../../local/demo-service";
import { LOCAL_TIMING, localOverrides, localSettings } from "../../local/local-settings";
import { MissingBinaryError, findBinary } from "../../local/processes";
import { Receivers, channelsOfReceivers, statusOfText } from "../../local/receivers";
import { toolCommand } from "../../local/tool-runner";
import { missingSecrets, presenceFromPulumiJson } from "../../validate/checks";
import { readStackFile } from "../../settings";
import { stackFile } from "../helpers/pulumi-program";
import { settingsOf } from "../helpers/tools";

const SERVICES = ["cns-service", "tenant-management-service"];

describe("demo service control commands", () => {
  it("parses each verb into a state change", () => {
    assert.deepEqual(parseCommand(["cns-service", "down"], SERVICES), { kind: "set", service: "cns-service", change: { up: false } });
    assert.deepEqual(parseCommand(["cns-service", "errors", "0.25"], SERVICES), { kind: "set", service: "cns-service", change: { errorRatio: 0.25 } });
    assert.deepEqual(parseCommand(["cns-service", "latency", "3"], SERVICES), { kind: "set", service: "cns-service", change: { latencySeconds: 3 } });
    assert.deepEqual(parseCommand(["cns-service", "reset"], SERVICES), { kind: "set", service: "cns-service", change: { ...HEALTHY } });
    assert.deepEqual(parseCommand(["status"], SERVICES), { kind: "status" });
  });

  it("names the service, command or value it rejects", () => {
    assert.throws(() => parseCommand(["nope", "down"], SERVICES), (e: Error) => e instanceof ControlError && /unknown service "nope"; services: cns-service/.test(e.message));
    assert.throws(() => parseCommand(["cns-service", "explode"], SERVICES), /unknown command "explode"/);
    assert.throws(() => parseCommand(["cns-service", "errors", "1.5"], SERVICES), /error ratio must be a number from 0 to 1, got "1.5"/);
    assert.throws(() => parseCommand(["cns-service", "errors"], SERVICES), /errors takes one value/);
    assert.throws(() => parseCommand(["cns-service", "down", "now"], SERVICES), /down takes no value/);
  });
});

describe("local settings", () => {
  const demo = [{ service: "cns-service", job: "app-plane-cns-service", target: "127.0.0.1:40001" }];
  const endpoints = { demo, webhookBaseUrl: "http://127.0.0.1:40002/webhook/", pagerdutyUrl: "http://127.0.0.1:40002/pagerduty/v2/enqueue", smarthost: "127.0.0.1:40003" };

  it("names the keys the stack file sets that local mode replaces, with both values", () => {
    const raw = readStackFile(stackFile("dev"));
    const mine = { ...raw, values: { ...raw.values, alerts: { serviceDownFor: "2m", highErrorRatio: 0.02 }, alertmanager: { groupWait: "2s" } } };
    assert.deepEqual(localOverrides(mine), ["alerts.serviceDownFor (2m in the stack file, 5s here)"]);
  });

  it("points every target at the demo, every receiver at a stand-in, and shortens intervals", () => {
    const s = localSettings(readStackFile(stackFile("prod")), "prod", endpoints);
    assert.deepEqual(s.services.find((x) => x.name === "cns-service")!.targets, ["127.0.0.1:40001"]);
    assert.deepEqual(s.services.find((x) => x.name === "subscription-service")!.targets, []);
    assert.equal(s.notifications.pagerduty.url, endpoints.pagerdutyUrl);
    assert.equal(s.notifications.email.smarthost, "127.0.0.1:40003");
    assert.equal(s.notifications.email.requireTls, false);
    assert.equal(s.docker.scrapeInterval, LOCAL_TIMING.docker.scrapeInterval);
    assert.equal(s.alerts.serviceDownFor, LOCAL_TIMING.alerts.serviceDownFor);
    assert.equal(s.alertmanager.groupWait, LOCAL_TIMING.alertmanager.groupWait);
    assert.equal(s.docker.exporters.nodeExporter, false);
    assert.deepEqual(s.exporterTargets, { postgres: [], redis: [] }, "the stack's remote exporters are not scraped locally");
    // Everything else comes from the stack file.
    assert.equal(s.notifications.mode, "production");
    assert.equal(s.notifications.teams.appPlane.email, "app-plane-team@ananta.io");
  });

  it("runs a stack that uses AMP with its own Alertmanager, routed by the same data", () => {
    const raw = readStackFile(stackFile("prod"));
    const amp = { ...raw, values: { ...raw.values, aws: { ...(raw.values.aws as object), amp: { enabled: true } } } };
    const s = localSettings(amp, "prod", endpoints);
    assert.equal(s.aws.amp.enabled, false);
    assert.deepEqual(s.notifications.routing, settingsOf("prod").notifications.routing);
  });

  it("gives the dev stack's webhooks the local sink", () => {
    const s = localSettings(readStackFile(stackFile("dev")), "dev", endpoints);
    assert.equal(s.notifications.localWebhookUrl, endpoints.webhookBaseUrl);
  });

  it("adds every latency-SLO threshold to the demo's histogram buckets", () => {
    const svc = settingsOf("prod").services[0];
    const buckets = bucketsFor(svc);
    for (const l of svc.slo.latency) assert.ok(buckets.includes(l.thresholdSeconds), `bucket ${l.thresholdSeconds}`);
    assert.deepEqual(buckets, [...buckets].sort((a, b) => a - b));
  });
});

describe("binaries and tools", () => {
  it("names the install command when a binary is missing", () => {
    assert.throws(() => findBinary("prometheus", "/nonexistent"), (e: Error) => e instanceof MissingBinaryError && /apt-get install -y prometheus prometheus-alertmanager/.test(e.message));
    assert.equal(findBinary("promtool"), "/usr/bin/promtool");
  });

  it("npm run local exits non-zero with the install command when prometheus is missing", () => {
    const r = spawnSync(process.execPath, ["-r", "tsx/cjs", path.join(ROOT, "cli/local.ts")], { cwd: ROOT, encoding: "utf8", env: { ...process.env, PATH: "/nonexistent" }, timeout: 60_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /prometheus is not installed .*apt-get install -y prometheus prometheus-alertmanager/);
  });

  it("runs the stack's pinned images through Docker when the binaries are missing", () => {
    const settings = settingsOf("prod");
    assert.deepEqual(toolCommand("amtool", ["check-config", "/t/a.yml"], { docker: "docker", mounts: ["/t"], settings }), [
      "docker", "run", "--rm", "--network=none", "-v", "/t:/t:ro", "--entrypoint", "/bin/amtool", settings.docker.images.alertmanager, "check-config", "/t/a.yml",
    ]);
    assert.deepEqual(toolCommand("promtool", ["check", "rules"], { local: "/usr/bin/promtool" }), ["/usr/bin/promtool", "check", "rules"]);
  });
});

describe("validate: secrets", () => {
  const raw = readStackFile(stackFile("prod"));

  it("lists the secrets the prod stack needs", () => {
    assert.deepEqual(missingSecrets(raw).sort(), ["pagerdutyKey", "smtpPassword", ...["appPlane", "controlPlane", "critical", "database", "infrastructure", "platform", "slo"].map((c) => `slackWebhooks.${c}`)].sort());
  });

  it("reads presence from pulumi config --json and reports what is still missing", () => {
    const json = JSON.stringify({
      "ananta-monitoring:pagerdutyKey": { secret: true },
      "ananta-monitoring:slackWebhooks": { secret: true, objectValue: { critical: "[secret]", appPlane: "[secret]" } },
      "ananta-monitoring:environment": { value: "prod", secret: false },
    });
    const presence = presenceFromPulumiJson(json);
    assert.deepEqual(presence, { pagerdutyKey: true, slackWebhooks: ["critical", "appPlane"], smtpPassword: false, grafanaAdminPassword: false });
    const missing = missingSecrets(raw, presence);
    assert.ok(missing.includes("smtpPassword") && missing.includes("slackWebhooks.platform"));
    assert.ok(!missing.includes("pagerdutyKey") && !missing.includes("slackWebhooks.critical"));
  });
});

describe("test-alert and receivers", () => {
  it("builds an alert with the routing labels and rejects bad values by name", () => {
    const a = testAlert({ severity: "critical", plane: "app", service: "cns-service" }, new Date("2025-01-01T00:00:00Z"));
    assert.deepEqual(a.labels, { alertname: "TestAlert", severity: "critical", plane: "app", service: "cns-service" });
    assert.equal(a.endsAt, "2025-01-01T00:05:00.000Z");
    assert.throws(() => testAlert({ severity: "urgent", plane: "app", service: "x" }), (e: Error) => e instanceof AlertInputError && /--severity "urgent" is not allowed; use one of: critical, warning, info/.test(e.message));
    assert.throws(() => testAlert({ severity: "info", plane: "Edge Plane", service: "x" }), /--plane "Edge Plane" must be a plane name/);
  });

  it("names the channel each dev webhook receiver stands for", () => {
    const channels = channelsOfReceivers(settingsOf("prod"));
    assert.equal(channels["slack-app-plane"], "slack #app-plane-alerts");
    assert.equal(channels["email-oncall"], "email oncall@ananta.io");
    assert.equal(channels["pagerduty"], "pagerduty");
    assert.equal(channelsOfReceivers(settingsOf("dev"))["email-oncall"], "email oncall@ananta.io");
  });

  it("prints the SLO of an alert that has one, so p95 and p99 alerts are told apart", async () => {
    const receivers = new Receivers({ slackChannels: {}, receiverChannels: { "slack-app-plane": "slack #app-plane-alerts" } });
    await receivers.start();
    try {
      const alert = (slo: string) => ({ status: "firing", labels: { alertname: "HighLatency", service: "cns-service", slo, severity: "critical" } });
      const res = await fetch(`${receivers.webhookBaseUrl}slack-app-plane`, { method: "POST", body: JSON.stringify({ status: "firing", alerts: [alert("p95"), alert("p99")] }) });
      assert.equal(res.status, 200);
      assert.equal(receivers.notifications[0].summary, "HighLatency service=cns-service slo=p95 severity=critical, HighLatency service=cns-service slo=p99 severity=critical");
    } finally {
      await receivers.stop();
    }
  });

  it("reads the status from titles and subjects", () => {
    assert.equal(statusOfText("[FIRING:1] ServiceDown cns-service (app plane)"), "firing");
    assert.equal(statusOfText("[prod] [RESOLVED] ServiceDown cns-service"), "resolved");
  });
});
