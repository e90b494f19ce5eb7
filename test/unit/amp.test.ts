// Amazon Managed Service for Prometheus from the same generators: what the Docker side renders
// when AMP evaluates and sends (remote write, nothing sent locally, no Alertmanager), the rule
// namespaces (every rule, within the quota), and the Alertmanager definition's routing intent.
import * as assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { ampRouteProblem, routingCases } from "../../validate/checks";
import { ampAlertmanager, ampAlertmanagerDefinition, offlineTopicArns, snsReceiverName, topicsFor, type SnsReceiver } from "../../monitoring/amp/alertmanager";
import { ampEndpointOf, ampRemoteWrite, PENDING_WORKSPACE } from "../../monitoring/amp/remote-write";
import { NAMESPACE_MAX_BYTES, ruleNamespaces } from "../../monitoring/amp/rule-namespaces";
import { RECEIVERS, SELF_JOBS } from "../../monitoring/conventions";
import { dockerRenderOptions, hostTrees, renderFiles, ruleFiles } from "../../monitoring/files";
import { stackHosts } from "../../monitoring/hosts";
import { FILES } from "../../monitoring/layout";
import { parseSettings, readStackFile, SettingsError, type Settings } from "../../settings";
import { stackFile } from "../helpers/pulumi-program";
import { settingsOf, settingsWith } from "../helpers/tools";

const WORKSPACE = "ws-0a1b2c3d-0000-4000-8000-123456789abc";
const prodAws = settingsOf("prod").aws;
const ampSettings = (amp: Record<string, unknown> = { enabled: true }, extra: Record<string, unknown> = {}): Settings => settingsWith("prod", { aws: { ...prodAws, amp }, ...extra });
const arns = (s: Settings) => Object.fromEntries(Object.keys(s.aws.topics).map((t) => [t, `arn:aws:sns:us-east-1:123456789012:ananta-prod-${t}`]));

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
}
interface Group {
  name: string;
  interval?: string;
  rules: Rule[];
}
const groupsOf = (text: string): Group[] => (parseYaml(text) as { groups: Group[] }).groups;
const rulesOf = (files: Record<string, string>): Rule[] => Object.values(files).flatMap((t) => groupsOf(t).flatMap((g) => g.rules));

describe("AMP: the Docker side when AMP evaluates and sends", () => {
  const settings = ampSettings();
  const tree = renderFiles(settings);
  const prom = parseYaml(tree[FILES.prometheusConfig]);

  it("remote-writes to the workspace with SigV4 for the stack's region, never an inline credential", () => {
    assert.deepEqual(prom.remote_write.map((w: { url: string; sigv4: unknown }) => [w.url, w.sigv4]), [
      [`${ampEndpointOf("us-east-1", PENDING_WORKSPACE)}api/v1/remote_write`, { region: "us-east-1" }],
    ]);
    const deployed = parseYaml(renderFiles(settings, dockerRenderOptions(settings, stackHosts(settings)[0], ampEndpointOf("us-east-1", WORKSPACE)))[FILES.prometheusConfig]);
    assert.equal(deployed.remote_write[0].url, `https://aps-workspaces.us-east-1.amazonaws.com/workspaces/${WORKSPACE}/api/v1/remote_write`);
    assert.doesNotMatch(tree[FILES.prometheusConfig], /access_key|secret_key/);
  });

  it("an existing workspace's id names the endpoint before deployment, in either case AWS writes its ids", () => {
    const given = ampSettings({ enabled: true, workspaceId: WORKSPACE });
    assert.equal(ampRemoteWrite(given).url, `https://aps-workspaces.us-east-1.amazonaws.com/workspaces/${WORKSPACE}/api/v1/remote_write`);
    const upper = "ws-C6DCB907-F2D7-4D96-957B-66691F865D8B";
    assert.equal(ampSettings({ enabled: true, workspaceId: upper }).aws.amp.workspaceId, upper);
  });

  it("does not remote-write what AMP records itself: recorded series and ALERTS", () => {
    const relabel = prom.remote_write[0].write_relabel_configs;
    assert.deepEqual(relabel, [{ source_labels: ["__name__"], regex: "ALERTS|ALERTS_FOR_STATE|.*:.*", action: "drop" }]);
    const drops = new RegExp(`^(?:${relabel[0].regex})$`);
    for (const r of rulesOf(ruleFiles(settings))) if (r.record) assert.match(r.record, drops, r.record);
    for (const raw of ["up", "http_requests_total", "http_request_duration_seconds_bucket", "prometheus_remote_storage_samples_failed_total"]) assert.doesNotMatch(raw, drops);
  });

  it("sends no alert from the Docker Prometheus and runs no Alertmanager, so no alert can page twice", () => {
    assert.equal(prom.alerting, undefined, "prometheus.yml has no alerting block");
    assert.deepEqual(Object.keys(tree).filter((f) => f.startsWith("alertmanager/")), []);
    assert.ok(!prom.scrape_configs.some((j: { job_name: string }) => j.job_name === SELF_JOBS.alertmanager));
    const alerts = rulesOf(ruleFiles(settings)).map((r) => r.alert);
    for (const gone of ["AlertmanagerNotificationsFailing", "PrometheusNotificationsFailing", "AlertmanagerPeerDown"]) assert.ok(!alerts.includes(gone), gone);
    assert.ok(!rulesOf(ruleFiles(settings)).some((r) => r.expr.includes(`job="${SELF_JOBS.alertmanager}"`)), "no rule watches an Alertmanager that does not run");
  });

  it("with HA replicas, labels each replica as AMP deduplicates them (cluster, __replica__)", () => {
    const hosts = [
      { name: "a", host: "ssh://ops@a", address: "10.0.0.1" },
      { name: "b", host: "ssh://ops@b", address: "10.0.0.2" },
    ];
    const ha = ampSettings({ enabled: true }, { docker: { hosts, host: undefined, bindAddress: undefined } });
    const labels = Object.values(hostTrees(ha)).map((t) => parseYaml(t[FILES.prometheusConfig]).global.external_labels);
    assert.deepEqual(labels, [
      { environment: "prod", cluster: "ananta-prod", __replica__: "a" },
      { environment: "prod", cluster: "ananta-prod", __replica__: "b" },
    ]);
    assert.ok(rulesOf(ruleFiles(ha)).some((r) => r.alert === "PrometheusReplicaDown"));
    assert.ok(!rulesOf(ruleFiles(ha)).some((r) => r.alert === "AlertmanagerClusterMemberMissing"));
  });
});

describe("AMP: rule groups namespaces", () => {
  const files = ruleFiles(ampSettings());

  it("holds each rule file unchanged as one namespace when it fits the quota", () => {
    const namespaces = ruleNamespaces(files);
    assert.deepEqual(namespaces.map((n) => n.name), Object.keys(files));
    for (const n of namespaces) {
      assert.equal(n.data, files[n.name]);
      assert.ok(Buffer.byteLength(n.data) <= NAMESPACE_MAX_BYTES);
    }
  });

  it("cuts a file that is too big at group and rule boundaries: every rule once, in order, groups keep their interval", () => {
    const max = 20_000;
    const namespaces = ruleNamespaces(files, max);
    assert.ok(namespaces.length > Object.keys(files).length, "something was cut");
    for (const n of namespaces) assert.ok(Buffer.byteLength(n.data) <= max, `${n.name}: ${Buffer.byteLength(n.data)} bytes`);
    assert.deepEqual(rulesOf(Object.fromEntries(namespaces.map((n) => [n.name, n.data]))), rulesOf(files));
    const intervals = new Map(Object.values(files).flatMap((t) => groupsOf(t).map((g) => [g.name, g.interval])));
    for (const g of namespaces.flatMap((n) => groupsOf(n.data))) {
      const original = intervals.has(g.name) ? g.name : g.name.replace(/-part\d+$/, "");
      assert.ok(intervals.has(original), `${g.name} comes from a generated group`);
      assert.equal(g.interval, intervals.get(original), g.name);
    }
    assert.ok(namespaces.some((n) => groupsOf(n.data).some((g) => /-part2$/.test(g.name))), "a group too big for one namespace is split into parts");
  });
});

describe("AMP: the Alertmanager definition", () => {
  const settings = ampSettings();
  const am = ampAlertmanager(settings, arns(settings), "us-east-1");
  const config = parseYaml(am.config) as { receivers: SnsReceiver[]; templates: string[]; inhibit_rules: unknown[]; route: unknown };

  it("has only SNS receivers, each to one of the stack's topics with sigv4.region and nothing AMP refuses", () => {
    const topicArns = Object.values(arns(settings));
    for (const r of config.receivers) {
      const keys = Object.keys(r).filter((k) => k !== "name");
      if (r.name === RECEIVERS.watchdog) assert.deepEqual(keys, []);
      else assert.deepEqual(keys, ["sns_configs"], r.name);
      for (const c of r.sns_configs ?? []) {
        assert.ok(topicArns.includes(c.topic_arn), c.topic_arn);
        assert.deepEqual(c.sigv4, { region: "us-east-1" });
        assert.equal("api_url" in c || "http_config" in c, false);
        assert.equal(c.send_resolved, true);
      }
    }
    assert.doesNotMatch(am.config, /api_url|http_config|webhook_configs|slack_configs|pagerduty_configs|email_configs/);
  });

  it("names its templates as the definition carries them, and keeps the stack's inhibitions", () => {
    assert.deepEqual(config.templates, Object.keys(am.templates));
    const definition = parseYaml(ampAlertmanagerDefinition(am));
    assert.equal(definition.alertmanager_config, am.config);
    assert.deepEqual(definition.template_files, am.templates);
    assert.deepEqual(config.inhibit_rules, parseYaml(renderFiles(settingsOf("prod"))[FILES.alertmanagerConfig]).inhibit_rules);
  });

  it("pages through exactly one topic, preferring the owner's, and never pages what must not page", () => {
    const paging = (topics: string[]) => topics.filter((t) => settings.aws.topics[t].pagerduty);
    assert.deepEqual(topicsFor(settings, true, ["critical", "appPlane"]), ["critical"]);
    assert.deepEqual(topicsFor(settings, true, ["critical", "slo"]), ["slo"], "the SLO team's own paging topic");
    assert.deepEqual(topicsFor(settings, true, ["critical", "infrastructure"]), ["critical", "infrastructure"]);
    assert.deepEqual(topicsFor(settings, false, ["platform", "appPlane"]), ["warning"]);
    assert.deepEqual(topicsFor(settings, false, ["slo", "appPlane"]), ["warning"], "no Slack-only topic posts there: the default team's");
    for (const teams of [["critical"], ["slo"], ["critical", "slo", "infrastructure"]]) {
      assert.equal(paging(topicsFor(settings, true, teams)).length, 1, teams.join());
      assert.equal(paging(topicsFor(settings, false, teams)).length, 0, teams.join());
    }
    assert.equal(snsReceiverName(["critical", "infrastructure"]), "sns-critical-infrastructure");
  });
});

describe("AMP: npm run validate's routing check", () => {
  const settings = ampSettings();
  const arns = offlineTopicArns(settings);
  const receivers = (parseYaml(ampAlertmanager(settings, arns, "us-east-1").config) as { receivers: SnsReceiver[] }).receivers;
  const page = routingCases(settings).find((c) => c.labels.alertname === "ServiceDown")!;
  const ticket = routingCases(settings).find((c) => c.labels.alertname === "HighErrorRate")!;

  it("names the stack's topics in its region under a placeholder account", () => {
    assert.equal(arns.critical, "arn:aws:sns:us-east-1:000000000000:ananta-prod-critical");
  });

  it("passes a page through one paging topic and a ticket through none, and fails the other way round", () => {
    assert.equal(ampRouteProblem(settings, arns, receivers, page, "sns-critical\n"), undefined);
    assert.equal(ampRouteProblem(settings, arns, receivers, ticket, "sns-warning\nWarning: --config.file flag overrides the --alertmanager.url.\n"), undefined);
    assert.match(ampRouteProblem(settings, arns, receivers, page, "sns-warning")!, /pages through 0 topic\(s\); the routing data pages it once/);
    assert.match(ampRouteProblem(settings, arns, receivers, ticket, "sns-critical")!, /pages through 1 topic\(s\); the routing data does not page it/);
    assert.match(ampRouteProblem(settings, arns, receivers, page, "sns-critical,sns-slo")!, /not one receiver/);
  });
});

describe("AMP: the secrets a stack needs", () => {
  const raw = readStackFile(stackFile("prod"));
  const withAmp = (enabled: boolean) => ({ ...raw, values: { ...raw.values, aws: { ...(raw.values.aws as object), amp: { enabled } } } });
  // The forwarders' secrets only: the routing key and the webhooks of the teams the topics post for.
  const forwarders = { pagerdutyKey: true, slackWebhooks: ["critical", "platform", "slo", "infrastructure"], smtpPassword: false, grafanaAdminPassword: false };
  const load = (enabled: boolean) => parseSettings({ ...withAmp(enabled), secrets: forwarders }, "prod", { requireSecrets: true });

  it("needs only the forwarders' with AMP, where the stack runs no Alertmanager of its own", () => {
    assert.equal(load(true).aws.amp.enabled, true);
  });

  it("still needs every team's webhook and the SMTP password when the stack's Alertmanager sends", () => {
    assert.throws(() => load(false), (e: Error) => e instanceof SettingsError && /slackWebhooks\.database/.test(e.message) && /smtpPassword/.test(e.message));
  });
});
