// AMP's alerting path end to end without AWS: a real prometheus-alertmanager loads the generated
// AMP Alertmanager configuration (with a loopback api_url and dummy SigV4 credentials added: the
// only difference from what AMP runs) → a local SNS Publish endpoint → the bundled forwarder
// Lambdas subscribed to each topic → local PagerDuty and Slack stand-ins (secrets from a local
// SSM). A page fires and resolves: PagerDuty gets one trigger and one resolve with the group's
// dedup_key, #critical-alerts one post each; a warning reaches Slack only.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { parse as parseYaml, stringify } from "yaml";
import { bundleLambda } from "../../lambdas/bundle";
import { ENV, FORWARDERS, type Forwarder } from "../../lambdas/contract";
import { groupKey, type AlertGroup } from "../../lambdas/shared/alertmanager";
import { postAlerts, testAlert, type PostableAlert } from "../../local/alert-api";
import { LOCAL_TIMING } from "../../local/local-settings";
import { ManagedProcess, findBinary } from "../../local/processes";
import { durationSeconds } from "../../monitoring/duration";
import { freePorts } from "../../local/ports";
import { ampAlertmanager, type SnsReceiver } from "../../monitoring/amp/alertmanager";
import { writeAmpAlertmanager } from "../../local/write-tree";
import { forwarderTopics, pagerdutySeverities, parameterNames, slackTeams } from "../../monitoring/cloudwatch/forwarders";
import type { Settings } from "../../settings";
import { type FakeSns, type SnsHandler, startFakeSns } from "../helpers/fake-sns";
import { settingsOf, settingsWith, tmpDir } from "../helpers/tools";
import { writeRunnable } from "../../tools/lambda-runnable";
import { type FakeServer, startServer, startSsm, useAwsEndpoints } from "../lambdas/servers";

const REGION = "us-east-1";
const ROUTING_KEY = "amp-e2e-routing-key";
const arnOf = (t: string) => `arn:aws:sns:${REGION}:123456789012:ananta-prod-${t}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface PdEvent {
  routing_key: string;
  event_action: string;
  dedup_key: string;
  payload?: { summary: string; severity: string };
}

describe("e2e: AMP's Alertmanager → SNS → forwarder Lambdas → PagerDuty and Slack (real prometheus-alertmanager)", function () {
  this.timeout(90_000);
  let settings: Settings;
  let dir: string;
  let am: ManagedProcess;
  let amUrl: string;
  let sns: FakeSns;
  let pd: FakeServer;
  let slack: FakeServer;
  let ssm: FakeServer;
  const restore: (() => void)[] = [];
  /** Webhook path → the team whose channel it is. */
  const teamOfPath = new Map<string, string>();
  const pdEvents = () => pd.requests.map((r) => JSON.parse(r.body) as PdEvent);
  const slackPosts = (team: string) => slack.requests.filter((r) => teamOfPath.get(r.path) === team).map((r) => JSON.parse(r.body) as { text: string });
  // A group notifies again at its next flush at the earliest: one group interval.
  const settleMs = (durationSeconds(LOCAL_TIMING.alertmanager.groupInterval) + 1) * 1000;
  const waitFor = async (what: string, done: () => boolean, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; SNS got ${sns.published.length}, PagerDuty ${pd.requests.length}, Slack ${slack.requests.length}; ${am.logTail(5)}`);
      await sleep(100);
    }
  };

  before(async () => {
    settings = settingsWith("prod", { aws: { ...settingsOf("prod").aws, amp: { enabled: true } }, alertmanager: LOCAL_TIMING.alertmanager });
    dir = tmpDir("ananta-amp-e2e-");
    pd = await startServer(() => ({ status: 202, body: '{"status":"success"}' }));
    slack = await startServer(() => ({ status: 200, body: "ok" }));
    const parameters: Record<string, string> = { [parameterNames.pagerdutyKey(settings)]: ROUTING_KEY };
    for (const team of slackTeams(settings)) {
      const p = `/services/T0/B0/${team}`;
      teamOfPath.set(p, team);
      parameters[parameterNames.slackWebhook(settings, team)] = `${slack.url}${p}`;
    }
    ssm = await startSsm(parameters);
    restore.push(useAwsEndpoints(ssm.url));

    // The forwarders as deployed: their bundles, with the environment the AWS component gives them.
    const byArn = (entries: [string, string][]) => JSON.stringify(Object.fromEntries(entries.map(([t, v]) => [arnOf(t), v])));
    const env: Record<string, string> = {
      [ENV.pagerdutyKeyParameter]: parameterNames.pagerdutyKey(settings),
      [ENV.topicSeverities]: byArn(Object.entries(pagerdutySeverities(settings))),
      [ENV.pagerdutyEventsUrl]: `${pd.url}/v2/enqueue`,
      [ENV.slackWebhookParameters]: byArn(Object.entries(settings.aws.topics).map(([t, topic]) => [t, parameterNames.slackWebhook(settings, topic.slack)])),
    };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    restore.push(() => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    });
    const quiet = { log: console.log, warn: console.warn, error: console.error };
    Object.assign(console, { log: () => {}, warn: () => {}, error: () => {} });
    restore.push(() => Object.assign(console, quiet));
    const handlers = {} as Record<Forwarder, SnsHandler>;
    for (const f of FORWARDERS) {
      const { dir: bundleDir, file } = writeRunnable(bundleLambda(f).code, f);
      restore.push(() => fs.rmSync(bundleDir, { recursive: true, force: true }));
      handlers[f] = ((await import(pathToFileURL(file).href)) as { handler: SnsHandler }).handler;
    }
    sns = await startFakeSns((arn) => FORWARDERS.filter((f) => forwarderTopics(settings, f).some((t) => arnOf(t) === arn)).map((f) => handlers[f]));

    // AMP's configuration, plus what reaches the loopback endpoint instead of AWS.
    const topicArns = Object.fromEntries(Object.keys(settings.aws.topics).map((t) => [t, arnOf(t)]));
    const file = writeAmpAlertmanager(dir, ampAlertmanager(settings, topicArns, REGION));
    const config = parseYaml(fs.readFileSync(file, "utf8")) as { receivers: SnsReceiver[] };
    for (const r of config.receivers) {
      for (const c of r.sns_configs ?? []) Object.assign(c, { api_url: sns.url, sigv4: { ...c.sigv4, access_key: "AKIAE2ETESTTESTTEST0", secret_key: "e2e-dummy-secret" } });
    }
    fs.writeFileSync(file, stringify(config));
    const [port] = await freePorts(1);
    amUrl = `http://127.0.0.1:${port}`;
    am = new ManagedProcess("alertmanager", findBinary("prometheus-alertmanager"), [
      `--config.file=${file}`,
      `--storage.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${amUrl}`,
      "--cluster.listen-address=",
    ]);
    await am.waitReady(`${amUrl}/-/ready`);
  });

  after(async () => {
    await am?.stop();
    await sns?.close();
    for (const undo of restore.reverse()) undo();
    await Promise.all([pd, slack, ssm].map((s) => s?.close()));
  });

  /** The generated ServiceDown labels of cns-service, as AMP's ruler would send them. */
  const serviceDown = (): PostableAlert => ({
    ...testAlert({ severity: "critical", plane: "app", service: "cns-service", alertname: "ServiceDown", summary: "cns-service is down" }),
    labels: { alertname: "ServiceDown", severity: "critical", category: "availability", plane: "app", service: "cns-service", team: "appPlane", instance: "cns-service.app.internal:27200" },
  });

  it("pages once through the critical topic and resolves that incident, with the group's dedup_key", async () => {
    const alert = serviceDown();
    const started = Date.now();
    await postAlerts(amUrl, [alert]);
    await waitFor("the PagerDuty trigger and the #critical-alerts post", () => pdEvents().length === 1 && slackPosts("critical").length === 1);
    const triggeredAfter = Date.now() - started;
    await postAlerts(amUrl, [{ ...alert, endsAt: new Date().toISOString() }]);
    await waitFor("the PagerDuty resolve and the resolved post", () => pdEvents().length === 2 && slackPosts("critical").length === 2);
    await sleep(settleMs);
    await sns.settled();

    assert.deepEqual(sns.failures, []);
    assert.deepEqual(sns.published.map((p) => [p.topicArn, p.subject]), [
      [arnOf("critical"), "[FIRING:1] ServiceDown"],
      [arnOf("critical"), "[RESOLVED] ServiceDown"],
    ]);
    assert.match(sns.published[0].authorization ?? "", new RegExp(`^AWS4-HMAC-SHA256 Credential=AKIAE2ETESTTESTTEST0/\\d{8}/${REGION}/sns/aws4_request`), "signed with SigV4 for the region");
    const group = JSON.parse(sns.published[0].message) as AlertGroup;
    assert.equal(group.externalURL, amUrl);

    const key = groupKey(group);
    // A paging tier groups by service (one incident per service in trouble).
    assert.equal(key, `alertmanager:${amUrl}:{plane="app", service="cns-service"}`);
    const [trigger, resolve] = pdEvents();
    assert.deepEqual([trigger.event_action, trigger.dedup_key, trigger.routing_key, trigger.payload?.severity], ["trigger", key, ROUTING_KEY, "critical"]);
    assert.equal(trigger.payload?.summary, "[FIRING:1] ServiceDown cns-service (app plane): cns-service is down");
    assert.deepEqual(resolve, { routing_key: ROUTING_KEY, event_action: "resolve", dedup_key: key });
    assert.deepEqual(slackPosts("critical").map((p) => p.text), ["[FIRING:1] ServiceDown cns-service (app plane): cns-service is down", "[RESOLVED] ServiceDown cns-service (app plane): cns-service is down"]);
    const otherChannels = slack.requests.filter((r) => teamOfPath.get(r.path) !== "critical");
    assert.deepEqual(otherChannels.map((r) => r.path), [], "the page reaches #critical-alerts only (no other topic posts for its teams)");
    console.info(`    AMP path: trigger arrived ${triggeredAfter} ms after the alert reached Alertmanager (group_wait ${LOCAL_TIMING.alertmanager.groupWait})`);
  });

  it("posts a warning to #platform-alerts through the warning topic and pages no one", async () => {
    const pdBefore = pd.requests.length;
    const snsBefore = sns.published.length;
    const alert = { ...testAlert({ severity: "warning", plane: "control", service: "tenant-management-service", alertname: "HighErrorRate" }), labels: { alertname: "HighErrorRate", severity: "warning", category: "errors", plane: "control", service: "tenant-management-service", team: "controlPlane" } };
    await postAlerts(amUrl, [alert]);
    await waitFor("the #platform-alerts post", () => slackPosts("platform").length === 1);
    await sleep(settleMs);
    await sns.settled();
    assert.deepEqual(sns.published.slice(snsBefore).map((p) => p.topicArn), [arnOf("warning")]);
    assert.equal(pd.requests.length, pdBefore, "no PagerDuty event");
    assert.match(slackPosts("platform")[0].text, /^\[FIRING:1\] HighErrorRate tenant-management-service \(control plane\)/);
    await postAlerts(amUrl, [{ ...alert, endsAt: new Date().toISOString() }]);
  });
});
