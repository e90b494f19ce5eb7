import * as assert from "node:assert/strict";
import { ENV, FORWARDERS, Forwarder } from "../../lambdas/contract";
import { forwarderTopics, healthTopic, pagerdutySeverities, parameterNames, slackTeams, topicIds } from "../../monitoring/cloudwatch/forwarders";
import { Settings, TopicId, loadStackFile } from "../../settings";
import { PROD_SECRETS, ProgramRun, Registered, isWrappedSecret, redactSecrets, runProgram, stackFile, unwrapSecrets } from "../helpers/pulumi-program";
import { sentinelsIn } from "../helpers/sentinels";

const T = {
  key: "aws:kms/key:Key",
  alias: "aws:kms/alias:Alias",
  keyPolicy: "aws:kms/keyPolicy:KeyPolicy",
  topic: "aws:sns/topic:Topic",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  parameter: "aws:ssm/parameter:Parameter",
  function: "aws:lambda/function:Function",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  queue: "aws:sqs/queue:Queue",
  invokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
  subscription: "aws:sns/topicSubscription:TopicSubscription",
  permission: "aws:lambda/permission:Permission",
} as const;

// AWS offers no tags on these: everything else the AWS side registers must carry them.
const UNTAGGABLE: string[] = [T.alias, T.keyPolicy, T.rolePolicy, T.invokeConfig, T.subscription, T.permission];

interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: string | string[];
  NotResource?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}
const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
const statements = (r: Registered, field: string): Statement[] => JSON.parse(r.inputs[field] as string).Statement;

describe("AWS alerting on the prod stack (Pulumi mocks)", function () {
  this.timeout(120000);
  let run: ProgramRun;
  let settings: Settings;
  const aws = () => run.resources.filter((r) => r.type.startsWith("aws:"));
  const fnName = (f: Forwarder) => `ananta-prod-${f}-forwarder`;
  const fnOf = (f: Forwarder) => run.ofType(T.function).find((r) => r.inputs.name === fnName(f))!;
  const topicArn = (t: TopicId) => `arn:aws:sns:us-east-1:123456789012:ananta-prod-${t}`;
  const keyArn = "arn:aws:kms:us-east-1:123456789012:ananta-prod-key";

  before(async () => {
    settings = loadStackFile(stackFile("prod"));
    run = await runProgram("prod", { secrets: PROD_SECRETS });
  });

  it("registers exactly the expected AWS resources", () => {
    const counts: Record<string, number> = {};
    for (const r of aws()) counts[r.type] = (counts[r.type] ?? 0) + 1;
    const subscriptions = forwarderTopics(settings, "pagerduty").length + forwarderTopics(settings, "slack").length;
    assert.equal(subscriptions, 6);
    assert.deepEqual(counts, {
      [T.key]: 1,
      [T.alias]: 1,
      [T.keyPolicy]: 1,
      [T.topic]: 4,
      [T.alarm]: 22 + 2 * 2, // inventory + errors and dead letters per forwarder
      [T.parameter]: 1 + slackTeams(settings).length,
      [T.function]: 2,
      [T.role]: 2,
      [T.rolePolicy]: 2,
      [T.logGroup]: 2,
      [T.queue]: 2,
      [T.invokeConfig]: 2,
      [T.subscription]: subscriptions,
      [T.permission]: subscriptions,
    });
    assert.equal(run.ofType(T.parameter).length, 5);
  });

  it("encrypts the four topics with a rotating customer-managed key", () => {
    const key = run.ofType(T.key)[0];
    assert.equal(key.inputs.enableKeyRotation, true);
    assert.deepEqual(topicIds(settings), ["critical", "warning", "slo", "infrastructure"], "the reference's four topics are the default data");
    assert.deepEqual(run.ofType(T.topic).map((t) => t.inputs.name).sort(), topicIds(settings).map((t) => `ananta-prod-${t}`).sort());
    for (const t of run.ofType(T.topic)) assert.equal(t.inputs.kmsMasterKeyId, keyArn, `${t.name} uses the key`);
    assert.equal(run.ofType(T.alias)[0].inputs.name, "alias/ananta-prod-alerting");
    assert.deepEqual(run.values.snsTopicArns, Object.fromEntries(topicIds(settings).map((t) => [t, topicArn(t)])));
  });

  it("lets CloudWatch and SNS use the key, and the forwarder roles decrypt through SSM and SQS only", () => {
    const policy = run.ofType(T.keyPolicy)[0];
    assert.equal(policy.inputs.keyId, "ananta-prod-key-key-id");
    const st = statements(policy, "policy");
    const forService = (service: string) => st.find((s) => (s.Principal as { Service?: string }).Service === service);
    for (const service of ["cloudwatch.amazonaws.com", "sns.amazonaws.com"]) {
      const s = forService(service);
      assert.ok(s, `a statement for ${service}`);
      assert.deepEqual(list(s.Action).sort(), ["kms:Decrypt", "kms:GenerateDataKey"]);
    }
    const account = st.find((s) => (s.Principal as { AWS?: unknown }).AWS === "arn:aws:iam::123456789012:root");
    assert.ok(account && list(account.Action).includes("kms:PutKeyPolicy"), "the account administers the key");
    const roles = st.find((s) => Array.isArray((s.Principal as { AWS?: unknown }).AWS));
    assert.ok(roles);
    assert.deepEqual((roles.Principal as { AWS: string[] }).AWS.sort(), FORWARDERS.map((f) => `arn:aws:iam:us-east-1:123456789012:${fnName(f)}`).sort());
    assert.deepEqual(list(roles.Action).sort(), ["kms:Decrypt", "kms:GenerateDataKey"]);
    assert.deepEqual(roles.Condition, { StringEquals: { "kms:ViaService": ["ssm.us-east-1.amazonaws.com", "sqs.us-east-1.amazonaws.com"] } });
  });

  it("names specific actions and resource ARNs in every IAM statement", () => {
    const wildcardAction = (a: string) => a === "*" || /^[a-z0-9-]+:\*$/.test(a);
    // arn:partition:service:region:account:resource, no wildcard before the resource's own name.
    const scopedArn = /^arn:[^:*]+:[^:*]+:[^:*]*:[^:*]*:[^*]/;
    const docs: [Registered, string][] = [
      ...run.ofType(T.rolePolicy).map((r): [Registered, string] => [r, "policy"]),
      ...run.ofType(T.keyPolicy).map((r): [Registered, string] => [r, "policy"]),
      ...run.ofType(T.role).map((r): [Registered, string] => [r, "assumeRolePolicy"]),
    ];
    assert.equal(docs.length, 5);
    for (const [r, field] of docs) {
      for (const s of statements(r, field)) {
        const where = `${r.name} ${s.Sid ?? ""}`;
        assert.equal(s.Effect, "Allow", where);
        assert.equal(s.NotAction, undefined, where);
        assert.equal(s.NotResource, undefined, where);
        assert.ok(list(s.Action).length > 0, `${where} names actions`);
        for (const a of list(s.Action)) assert.ok(!wildcardAction(a), `${where}: action ${a}`);
        assert.ok(!JSON.stringify(s.Principal ?? "").includes('"*"'), `${where}: principal`);
        for (const res of list(s.Resource)) {
          // Named exception: in a key policy, Resource "*" means this key (AWS offers no other form).
          if (res === "*" && r.type === T.keyPolicy) continue;
          assert.match(res, scopedArn, `${where}: resource ${res}`);
        }
      }
    }
    for (const role of run.ofType(T.role)) {
      assert.deepEqual(statements(role, "assumeRolePolicy").map((s) => s.Principal), [{ Service: "lambda.amazonaws.com" }]);
    }
  });

  it("lets each forwarder role write its own logs, read its own parameters, send to its own queue and use the key; PagerDuty's reads the stack's alarm states", () => {
    const paramArn = (name: string) => `arn:aws:ssm:us-east-1:123456789012:${name}`;
    const expected: Record<Forwarder, string[]> = {
      pagerduty: [paramArn(parameterNames.pagerdutyKey(settings))],
      slack: slackTeams(settings).map((c) => paramArn(parameterNames.slackWebhook(settings, c))),
    };
    for (const f of FORWARDERS) {
      const policy = run.named(`ananta-prod-${f}-policy`);
      const st = Object.fromEntries(statements(policy, "policy").map((s) => [s.Sid, s]));
      assert.deepEqual(Object.keys(st).sort(), [...(f === "pagerduty" ? ["ReadStackAlarmStates"] : []), "ReadOwnParameters", "SendToDeadLetterQueue", "UseAlertingKey", "WriteOwnLogs"].sort());
      if (f === "pagerduty") {
        // Only the stack's own alarms (named ananta-prod-...), and only their state.
        assert.deepEqual(st.ReadStackAlarmStates.Action, ["cloudwatch:DescribeAlarms"]);
        assert.equal(st.ReadStackAlarmStates.Resource, "arn:aws:cloudwatch:us-east-1:123456789012:alarm:ananta-prod-*");
      }
      assert.deepEqual(st.WriteOwnLogs.Action, ["logs:CreateLogStream", "logs:PutLogEvents"]);
      // The log group's ARN (as the mocks spell it) plus ":*" for its streams.
      assert.equal(st.WriteOwnLogs.Resource, `arn:aws:cloudwatch:us-east-1:123456789012:/aws/lambda/${fnName(f)}:*`);
      assert.deepEqual(st.ReadOwnParameters.Action, ["ssm:GetParameter"]);
      assert.deepEqual(st.ReadOwnParameters.Resource, expected[f]);
      assert.deepEqual(st.SendToDeadLetterQueue.Action, ["sqs:SendMessage"]);
      assert.equal(st.SendToDeadLetterQueue.Resource, `arn:aws:sqs:us-east-1:123456789012:${fnName(f)}-dlq`);
      assert.deepEqual(st.UseAlertingKey.Action, ["kms:Decrypt", "kms:GenerateDataKey"]);
      assert.equal(st.UseAlertingKey.Resource, keyArn);
    }
  });

  it("keeps the PagerDuty key and Slack webhooks as Pulumi secrets in SecureString parameters", () => {
    const params = run.ofType(T.parameter);
    const expected: Record<string, string> = {
      [parameterNames.pagerdutyKey(settings)]: PROD_SECRETS.pagerdutyKey,
      ...Object.fromEntries(slackTeams(settings).map((c) => [parameterNames.slackWebhook(settings, c), PROD_SECRETS.slackWebhooks[c as keyof typeof PROD_SECRETS.slackWebhooks]])),
    };
    assert.deepEqual(params.map((p) => p.inputs.name).sort(), Object.keys(expected).sort());
    for (const p of params) {
      assert.equal(p.inputs.type, "SecureString", p.name);
      assert.equal(p.inputs.keyId, keyArn, p.name);
      assert.ok(isWrappedSecret(p.inputs.value), `${p.name} value is a Pulumi secret`);
      assert.equal(unwrapSecrets(p.inputs.value), expected[p.inputs.name as string], p.name);
    }
  });

  it("puts no secret value anywhere outside the secret parameter values", () => {
    for (const r of aws()) {
      const visible = JSON.stringify(redactSecrets(r.inputs));
      assert.deepEqual(sentinelsIn(visible), [], `${r.name} shows no secret`);
      if (r.type !== T.parameter) assert.deepEqual(sentinelsIn(JSON.stringify(unwrapSecrets(r.inputs))), [], `${r.name} holds no secret`);
    }
    for (const f of FORWARDERS) {
      const env = fnOf(f).inputs.environment as { variables: Record<string, unknown> };
      assert.deepEqual(sentinelsIn(JSON.stringify(unwrapSecrets(env))), [], `${f} environment`);
      for (const v of Object.values(env.variables)) assert.ok(!isWrappedSecret(v), `${f} environment holds no secret`);
    }
  });

  it("gives the forwarders parameter names and topic routing in their environment", () => {
    const pd = (fnOf("pagerduty").inputs.environment as { variables: Record<string, string> }).variables;
    assert.deepEqual(Object.keys(pd).sort(), [ENV.pagerdutyKeyParameter, ENV.topicSeverities].sort());
    assert.equal(pd[ENV.pagerdutyKeyParameter], parameterNames.pagerdutyKey(settings));
    assert.deepEqual(JSON.parse(pd[ENV.topicSeverities]), Object.fromEntries(Object.entries(pagerdutySeverities(settings)).map(([t, s]) => [topicArn(t), s])));
    assert.deepEqual(JSON.parse(pd[ENV.topicSeverities]), { [topicArn("critical")]: "critical", [topicArn("slo")]: "error" });
    const slack = (fnOf("slack").inputs.environment as { variables: Record<string, string> }).variables;
    assert.deepEqual(Object.keys(slack), [ENV.slackWebhookParameters]);
    assert.deepEqual(
      JSON.parse(slack[ENV.slackWebhookParameters]),
      Object.fromEntries(topicIds(settings).map((t) => [topicArn(t), parameterNames.slackWebhook(settings, settings.aws.topics[t].slack)])),
    );
    assert.equal(JSON.parse(slack[ENV.slackWebhookParameters])[topicArn("warning")], "/ananta-prod/alerting/slack-webhooks/platform");
  });

  it("runs bundled Node 22 functions that log to their own retained log groups", async () => {
    for (const f of FORWARDERS) {
      const fn = fnOf(f);
      assert.equal(fn.inputs.runtime, "nodejs22.x");
      assert.equal(fn.inputs.handler, "index.handler");
      assert.equal(fn.inputs.timeout, settings.aws.lambdaTimeoutSeconds);
      assert.equal(fn.inputs.role, `arn:aws:iam:us-east-1:123456789012:${fnName(f)}`);
      const assets = await (fn.inputs.code as { assets: Promise<Record<string, { text: Promise<string> }>> }).assets;
      assert.deepEqual(Object.keys(assets), ["index.js"], `${f} archive holds index.js only`);
      const code = await assets["index.js"].text;
      assert.ok(Buffer.byteLength(code) < 200_000, `${f} bundle is small (${Buffer.byteLength(code)} bytes)`);
      const bundled = { exports: {} as Record<string, unknown> };
      new Function("module", "exports", "require", code)(bundled, bundled.exports, require);
      assert.equal(typeof bundled.exports.handler, "function", `${f} bundle exports the handler`);
      const logGroup = run.ofType(T.logGroup).find((l) => l.inputs.name === `/aws/lambda/${fnName(f)}`);
      assert.ok(logGroup, `${f} log group`);
      assert.equal(logGroup.inputs.retentionInDays, settings.aws.logRetentionDays);
      assert.deepEqual(fn.inputs.loggingConfig, { logFormat: "JSON", logGroup: `/aws/lambda/${fnName(f)}` });
    }
  });

  it("subscribes PagerDuty to critical and slo, Slack to all four, each invoke permission scoped to its topic", () => {
    const fnArn = (f: Forwarder) => `arn:aws:lambda:us-east-1:123456789012:${fnName(f)}`;
    const subs = run.ofType(T.subscription).map((s) => `${s.inputs.endpoint} <- ${s.inputs.topic}`);
    const perms = run.ofType(T.permission).map((p) => {
      assert.equal(p.inputs.principal, "sns.amazonaws.com");
      assert.equal(p.inputs.action, "lambda:InvokeFunction");
      return `${p.inputs.function} <- ${p.inputs.sourceArn}`;
    });
    const wanted: [Forwarder, TopicId][] = [
      ["pagerduty", "critical"],
      ["pagerduty", "slo"],
      ...topicIds(settings).map((t): [Forwarder, TopicId] => ["slack", t]),
    ];
    assert.deepEqual(subs.sort(), wanted.map(([f, t]) => `${fnArn(f)} <- ${topicArn(t)}`).sort());
    assert.deepEqual(perms.sort(), wanted.map(([f, t]) => `${fnName(f)} <- ${topicArn(t)}`).sort());
    for (const s of run.ofType(T.subscription)) assert.equal(s.inputs.protocol, "lambda");
  });

  it("retries failed deliveries, then sends them to an encrypted dead-letter queue", () => {
    for (const f of FORWARDERS) {
      const config = run.named(`ananta-prod-${f}-async`);
      assert.equal(config.inputs.functionName, fnName(f));
      assert.equal(config.inputs.maximumRetryAttempts, 2);
      assert.deepEqual(config.inputs.destinationConfig, { onFailure: { destination: `arn:aws:sqs:us-east-1:123456789012:${fnName(f)}-dlq` } });
      const queue = run.ofType(T.queue).find((q) => q.inputs.name === `${fnName(f)}-dlq`);
      assert.ok(queue);
      assert.equal(queue.inputs.kmsMasterKeyId, keyArn);
    }
  });

  it("routes every alarm to its topic on ALARM and OK; forwarder health alarms to a topic the other forwarder reads", () => {
    const alarms = run.ofType(T.alarm);
    for (const a of alarms) {
      assert.equal((a.inputs.alarmActions as string[]).length, 1, a.name);
      assert.deepEqual(a.inputs.okActions, a.inputs.alarmActions, a.name);
      assert.ok(topicIds(settings).some((t) => topicArn(t) === (a.inputs.alarmActions as string[])[0]), a.name);
    }
    const cpu = run.named("ananta-prod-control-plane-db-cpu-high");
    assert.deepEqual(cpu.inputs.dimensions, { DBInstanceIdentifier: "control-plane-db" });
    assert.deepEqual(cpu.inputs.alarmActions, [topicArn("warning")]);
    assert.deepEqual(run.named("ananta-prod-control-plane-db-connections-high").inputs.alarmActions, [topicArn("critical")]);
    for (const f of FORWARDERS) {
      for (const name of [`${fnName(f)}-errors`, `${fnName(f)}-dlq-not-empty`]) {
        const a = run.named(name);
        assert.deepEqual(a.inputs.alarmActions, [topicArn(healthTopic(settings, f))], name);
        const other = FORWARDERS.find((g) => g !== f)!;
        const subscribed = run.ofType(T.subscription).filter((s) => s.inputs.endpoint === `arn:aws:lambda:us-east-1:123456789012:${fnName(other)}`).map((s) => s.inputs.topic);
        assert.ok(subscribed.includes(topicArn(healthTopic(settings, f))), `${name} reaches the ${other} forwarder`);
      }
    }
  });

  it("tags every taggable resource with the stack's tags, Environment and ManagedBy", () => {
    const tags = { ...settings.aws.tags, Environment: "prod", ManagedBy: "pulumi" };
    assert.deepEqual(tags, { Project: "ananta-platform", Owner: "platform-sre", Environment: "prod", ManagedBy: "pulumi" });
    for (const r of aws()) {
      if (UNTAGGABLE.includes(r.type)) continue;
      assert.deepEqual(r.inputs.tags, tags, `${r.type} ${r.name}`);
    }
  });
});

describe("AWS alerting on the dev stack (Pulumi mocks)", () => {
  it("registers no AWS resource", async () => {
    const run = await runProgram("dev");
    assert.deepEqual(run.resources.filter((r) => r.type.startsWith("aws:") || r.type.startsWith("pulumi:providers:aws") || r.type.startsWith("ananta:aws:")).map((r) => r.name), []);
    assert.equal(run.values.snsTopicArns, undefined);
  });
});
