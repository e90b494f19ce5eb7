// Each component built alone, under Pulumi's mocks, from narrow arguments written here by hand
// (no stack file, no settings): what it registers follows from its own arguments, and a
// combination no deployment could use is refused before any resource exists.
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { AwsAlerting, type AwsAlertingArgs } from "../../components/aws-alerting";
import { Forwarder, type ForwarderArgs } from "../../components/forwarder";
import { ManagedPrometheus, type ManagedPrometheusArgs } from "../../components/managed-prometheus";
import { MonitoringStack, type MonitoringStackArgs } from "../../components/monitoring-stack";
import type { ForwarderPlan } from "../../monitoring/cloudwatch/plan";
import type { ServiceSpec, SyncSpec } from "../../monitoring/docker/services";
import { ENV } from "../../lambdas/contract";
import { type ComponentRun, buildAlone, isWrappedSecret, resolve, unwrapSecrets } from "../helpers/pulumi-program";

const T = {
  fn: "aws:lambda/function:Function",
  subscription: "aws:sns/topicSubscription:TopicSubscription",
  permission: "aws:lambda/permission:Permission",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  topic: "aws:sns/topic:Topic",
  parameter: "aws:ssm/parameter:Parameter",
  keyPolicy: "aws:kms/keyPolicy:KeyPolicy",
  workspace: "aws:amp/workspace:Workspace",
  namespace: "aws:amp/ruleGroupNamespace:RuleGroupNamespace",
  topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
  definition: "aws:amp/alertManagerDefinition:AlertManagerDefinition",
  container: "docker:index/container:Container",
  certificate: "tls:index/locallySignedCert:LocallySignedCert",
};

/** Builds a component alone and expects it to throw before registering anything. */
async function refused(build: () => void): Promise<{ message: string; run: ComponentRun }> {
  let message = "";
  const run = await buildAlone(() => {
    try {
      build();
    } catch (e) {
      message = (e as Error).message;
    }
  });
  assert.notEqual(message, "", "the component was built");
  return { message, run };
}

const statementsOf = (policy: unknown) => (JSON.parse(String(policy)) as { Statement: { Sid: string; Action: string[]; Resource: unknown; Condition?: unknown }[] }).Statement;

const forwarderPlan = (forwarder: "pagerduty" | "slack", topics: string[]): ForwarderPlan => ({
  forwarder,
  names: { functionName: `t-${forwarder}`, roleName: `t-${forwarder}-role`, logGroupName: `/aws/lambda/t-${forwarder}`, queueName: `t-${forwarder}-dlq` },
  logRetentionDays: 7,
  timeoutSeconds: 12,
  topics,
  alarms: [
    {
      kind: "ForwarderErrors",
      topic: topics[0],
      alarm: {
        name: `t-${forwarder}-errors`,
        alarmDescription: "errors",
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: `t-${forwarder}` },
        statistic: "Sum",
        period: 60,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
      },
    },
  ],
  keyViaServices: ["ssm.eu-west-1.amazonaws.com"],
});

describe("components built alone from their own arguments", () => {
  describe("Forwarder", () => {
    const args = (over: Partial<ForwarderArgs> = {}): ForwarderArgs => ({
      ...forwarderPlan("slack", ["chat", "page"]),
      environment: { [ENV.slackWebhookParameters]: "{}" },
      parameterArns: ["arn:aws:ssm:eu-west-1:1:parameter/hook"],
      keyArn: "arn:aws:kms:eu-west-1:1:key/k",
      topicArns: { chat: "arn:aws:sns:eu-west-1:1:chat", page: "arn:aws:sns:eu-west-1:1:page" },
      tags: { Team: "ops" },
      ...over,
    });

    it("subscribes to its topics only, with its own timeout, log retention, alarms and key condition", async () => {
      const run = await buildAlone(() => new Forwarder("t-slack", args()));
      const [fn] = run.ofType(T.fn);
      assert.equal(fn.inputs.name, "t-slack");
      assert.equal(fn.inputs.timeout, 12);
      assert.equal(run.named("t-slack-logs").inputs.retentionInDays, 7);
      assert.deepEqual(run.ofType(T.subscription).map((s) => s.inputs.topic).sort(), ["arn:aws:sns:eu-west-1:1:chat", "arn:aws:sns:eu-west-1:1:page"]);
      assert.deepEqual(run.ofType(T.permission).map((p) => p.inputs.sourceArn).sort(), ["arn:aws:sns:eu-west-1:1:chat", "arn:aws:sns:eu-west-1:1:page"]);
      assert.deepEqual(run.ofType(T.alarm).map((a) => [a.inputs.name, a.inputs.alarmActions]), [["t-slack-errors", ["arn:aws:sns:eu-west-1:1:chat"]]]);
      const statements = statementsOf(run.ofType(T.rolePolicy)[0].inputs.policy);
      assert.deepEqual(statements.find((s) => s.Sid === "UseAlertingKey")!.Condition, { StringEquals: { "kms:ViaService": ["ssm.eu-west-1.amazonaws.com"] } });
      assert.ok(!statements.some((s) => s.Sid === "ReadStackAlarmStates"), "no alarm reads without alarmArns");
    });

    it("may read alarm states only when given alarmArns", async () => {
      const run = await buildAlone(() => new Forwarder("t-slack", args({ alarmArns: "arn:aws:cloudwatch:eu-west-1:1:alarm:t-*" })));
      const read = statementsOf(run.ofType(T.rolePolicy)[0].inputs.policy).find((s) => s.Sid === "ReadStackAlarmStates");
      assert.deepEqual(read?.Resource, "arn:aws:cloudwatch:eu-west-1:1:alarm:t-*");
    });

    it("refuses a topic without an ARN and a timeout Lambda cannot have, before registering anything", async () => {
      const { message, run } = await refused(() => new Forwarder("t-slack", args({ topics: ["chat", "gone"], timeoutSeconds: 901 })));
      assert.match(message, /^Forwarder t-slack: timeoutSeconds 901 is not a whole number of seconds from 1 to 900; topicArns has no ARN for gone \(it has chat, page\)$/);
      assert.equal(run.ofType(T.fn).length + run.ofType(T.logGroup).length, 0);
    });
  });

  describe("AwsAlerting", () => {
    const args = (over: Partial<AwsAlertingArgs> = {}): AwsAlertingArgs => ({
      tags: { Environment: "alone" },
      topics: { page: { name: "t-page", slack: "ops", pagerduty: "critical" }, chat: { name: "t-chat", slack: "ops" } },
      alarms: [],
      parameters: { pagerdutyKey: "/t/pagerduty", slackWebhooks: { ops: { name: "/t/slack/ops", channel: "#ops" } } },
      region: "eu-west-1",
      alarmPrefix: "t",
      ampPublishes: false,
      forwarders: { pagerduty: forwarderPlan("pagerduty", ["page"]), slack: forwarderPlan("slack", ["chat", "page"]) },
      pagerdutyKey: "pd-key-alone",
      slackWebhooks: { ops: "https://hooks.example/alone" },
      ...over,
    });

    it("builds its topics, secret parameters and two forwarders from the plan, and maps topics to severities and webhooks", async () => {
      let alerting: AwsAlerting | undefined;
      const run = await buildAlone(() => (alerting = new AwsAlerting("t", args())));
      assert.deepEqual(run.ofType(T.topic).map((t) => t.inputs.name).sort(), ["t-chat", "t-page"]);
      const parameters = run.ofType(T.parameter);
      assert.deepEqual(parameters.map((p) => p.inputs.name).sort(), ["/t/pagerduty", "/t/slack/ops"]);
      assert.ok(parameters.every((p) => isWrappedSecret(p.inputs.value)), "a plain value given is stored as a secret");
      assert.deepEqual(parameters.map((p) => unwrapSecrets(p.inputs.value)).sort(), ["https://hooks.example/alone", "pd-key-alone"]);
      const env = (f: string) => (run.named(`t-${f}-function`).inputs.environment as { variables: Record<string, string> }).variables;
      const arns = await resolve(alerting!.topicArns.page);
      assert.deepEqual(JSON.parse(env("pagerduty")[ENV.topicSeverities]), { [arns]: "critical" });
      assert.deepEqual(Object.values(JSON.parse(env("slack")[ENV.slackWebhookParameters])), ["/t/slack/ops", "/t/slack/ops"]);
      const sids = statementsOf(run.ofType(T.keyPolicy)[0].inputs.policy).map((s) => s.Sid);
      assert.ok(!sids.includes("AmpAlertmanagerPublishesToEncryptedTopics"), "AMP may not use the key unless it publishes");
    });

    it("lets AMP's Alertmanager use the key only when ampPublishes", async () => {
      const run = await buildAlone(() => new AwsAlerting("t", args({ ampPublishes: true })));
      assert.ok(statementsOf(run.ofType(T.keyPolicy)[0].inputs.policy).some((s) => s.Sid === "AmpAlertmanagerPublishesToEncryptedTopics"));
    });

    it("refuses a team without its webhook and a PagerDuty forwarder on a topic that never pages", async () => {
      const bad = args({ slackWebhooks: {}, forwarders: { pagerduty: forwarderPlan("pagerduty", ["chat"]), slack: forwarderPlan("slack", ["chat", "page"]) } });
      const { message, run } = await refused(() => new AwsAlerting("t", bad));
      assert.match(message, /^AwsAlerting t: slackWebhooks has no webhook for team ops; the PagerDuty forwarder reads only topics with a pagerduty severity \(page\)$/);
      assert.equal(run.ofType(T.topic).length, 0);
    });
  });

  describe("ManagedPrometheus", () => {
    const args = (over: Partial<ManagedPrometheusArgs> = {}): ManagedPrometheusArgs => ({
      logRetentionDays: 3,
      tags: { Environment: "alone" },
      ruleNamespaces: [{ name: "alerts", data: "groups: []\n" }],
      topics: ["page"],
      alertmanagerDefinition: (arns) => `publishes to ${arns.page}`,
      topicArns: { page: "arn:aws:sns:eu-west-1:1:page" },
      ...over,
    });

    it("creates a workspace with its rule namespaces, a topic policy per topic and the definition for the topics' ARNs", async () => {
      let amp: ManagedPrometheus | undefined;
      const run = await buildAlone(() => (amp = new ManagedPrometheus("t-amp", args())));
      assert.equal(run.ofType(T.workspace).length, 1);
      assert.equal(run.named("t-amp-logs").inputs.retentionInDays, 3);
      assert.deepEqual(run.ofType(T.namespace).map((n) => [n.inputs.name, n.inputs.data]), [["alerts", "groups: []\n"]]);
      assert.deepEqual(run.ofType(T.topicPolicy).map((p) => p.inputs.arn), ["arn:aws:sns:eu-west-1:1:page"]);
      assert.equal(run.ofType(T.definition)[0].inputs.definition, "publishes to arn:aws:sns:eu-west-1:1:page");
      assert.match(await resolve(amp!.remoteWriteCredentials), /^\[default\]\naws_access_key_id = AKIAMOCKMOCKMOCKMOCK\naws_secret_access_key = secret-of-t-amp-remote-write-key\n$/);
      assert.ok(await pulumi.isSecret(amp!.remoteWriteCredentials), "the key reaches Prometheus only as a secret");
    });

    it("uses an existing workspace without creating one", async () => {
      let amp: ManagedPrometheus | undefined;
      const run = await buildAlone(() => (amp = new ManagedPrometheus("t-amp", args({ workspaceId: "ws-12345678-abcd-1234-abcd-123456789012" }))));
      assert.equal(run.ofType(T.workspace).length, 0);
      assert.equal(await resolve(amp!.workspaceId), "ws-12345678-abcd-1234-abcd-123456789012");
      assert.equal(run.ofType(T.namespace)[0].inputs.workspaceId, "ws-12345678-abcd-1234-abcd-123456789012");
    });

    it("refuses a topic without an ARN, no rules and a workspace id that is none", async () => {
      const { message, run } = await refused(() => new ManagedPrometheus("t-amp", args({ topics: ["page", "chat"], ruleNamespaces: [], workspaceId: "my-workspace" })));
      assert.match(message, /^ManagedPrometheus t-amp: topicArns has no ARN for chat; ruleNamespaces is empty: the workspace would evaluate no rule; workspaceId "my-workspace" is not an AMP workspace id \(ws-\.\.\.\)$/);
      assert.equal(run.ofType(T.namespace).length, 0);
    });
  });

  describe("MonitoringStack", () => {
    const prometheus: ServiceSpec = {
      role: "prometheus",
      image: "prom/prometheus:alone",
      alias: "prometheus",
      port: 9090,
      publish: [{ internal: 9090, external: 19090 }],
      command: ["--config.file=/etc/prometheus/current/prometheus.yml"],
      envs: [],
      hostMounts: [],
      hosts: [],
      healthPath: "/-/ready",
      config: "prometheus",
      stopSeconds: 30,
    };
    const step = (image: string) => ({ image, user: "0:0", entrypoint: ["/bin/sh", "-c"], command: ["true"] });
    const sync: SyncSpec = { service: "prometheus", volumePath: "/etc/prometheus", stage: step("prom/prometheus:alone"), reload: step("curl:alone") };
    const host = { name: "", host: "unix:///alone.sock", address: "127.0.0.2" };
    const args = (over: Partial<MonitoringStackArgs> = {}): MonitoringStackArgs => ({
      hosts: [{ host, services: [prometheus], syncs: { prometheus: sync } }],
      alertmanager: false,
      apiAuth: false,
      ports: { prometheus: 19090, alertmanager: 19093, grafana: 13000 },
      trees: { "": { "prometheus/prometheus.yml": "global: {}\n" } },
      alertmanagerSecrets: [],
      remoteWriteCredentials: "[default]\naws_access_key_id = alone\n",
      ...over,
    });

    it("runs each planned container with its sync steps, the files and secrets reaching it only through its stage", async () => {
      let stack: MonitoringStack | undefined;
      const run = await buildAlone(() => (stack = new MonitoringStack("t", args())));
      assert.deepEqual(run.ofType(T.container).map((c) => c.name).sort(), ["t-prometheus", "t-prometheus-reload", "t-prometheus-sync"]);
      const service = run.named("t-prometheus").inputs as { ports: { ip: string; external: number }[]; uploads?: unknown };
      assert.deepEqual(service.ports.map((p) => [p.ip, p.external]), [["127.0.0.2", 19090]]);
      assert.equal(service.uploads, undefined);
      const uploads = unwrapSecrets(run.named("t-prometheus-sync").inputs.uploads) as { file: string; content: string; permissions?: string }[];
      assert.deepEqual(uploads.map((u) => [u.file, u.permissions]), [["/staging/prometheus.yml", undefined], ["/staging/secrets/aws_credentials", "0400"]]);
      assert.ok(isWrappedSecret(run.named("t-prometheus-sync").inputs.uploads), "the credentials stay secret");
      assert.equal(await resolve(stack!.prometheusUrl), "http://127.0.0.2:19090");
      assert.equal(stack!.alertmanagerUrl, undefined);
      assert.equal(run.ofType(T.certificate).length, 0, "no certificates without apiAuth");
    });

    it("gives every host a certificate and https URLs when apiAuth", async () => {
      let stack: MonitoringStack | undefined;
      const run = await buildAlone(() => (stack = new MonitoringStack("t", args({ apiAuth: true }))));
      assert.equal(run.ofType(T.certificate).length, 1);
      assert.equal(await resolve(stack!.prometheusUrl), "https://127.0.0.2:19090");
      assert.ok(stack!.apiPassword);
    });

    it("refuses Alertmanager planned but not among the containers, a tree without its files, and credentials for a stack that sends itself", async () => {
      const { message, run } = await refused(() => new MonitoringStack("t", args({ alertmanager: true, trees: { "": {} } })));
      assert.match(
        message,
        /^MonitoringStack t: remoteWriteCredentials is for a stack whose alerts AMP sends \(alertmanager: false\); the rendered file tree lacks prometheus\/prometheus.yml, alertmanager\/alertmanager.yml; the containers lack Alertmanager$/,
      );
      assert.equal(run.ofType(T.container).length, 0);
    });

    it("refuses a stack AMP sends for without its remote-write credentials", async () => {
      const { message } = await refused(() => new MonitoringStack("t", args({ remoteWriteCredentials: undefined })));
      assert.match(message, /needs the remote-write credentials/);
    });
  });
});
