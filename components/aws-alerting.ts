// The AWS side of the reference: a customer-managed KMS key, four encrypted SNS topics, the
// CloudWatch alarms on the AWS inventory, the PagerDuty and Slack keys as SSM SecureStrings,
// and the two forwarder Lambdas that carry alarm notifications to PagerDuty and Slack.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ENV, FORWARDERS, Forwarder as ForwarderKind } from "../lambdas/contract";
import type { AwsAlertingPlan } from "../monitoring/cloudwatch/plan";
import type { TeamId, TopicId } from "../settings";
import { Forwarder } from "./forwarder";
import { metricAlarm } from "./metric-alarm";

/** What monitoring/cloudwatch/plan.ts decided, and the secrets the parameters hold. */
export interface AwsAlertingArgs extends AwsAlertingPlan {
  /** The PagerDuty Events API v2 routing key. */
  pagerdutyKey: pulumi.Input<string>;
  /** Each Slack team's webhook URL (every team of parameters.slackWebhooks). */
  slackWebhooks: Partial<Record<TeamId, pulumi.Input<string>>>;
}

// What the account may do with the key through IAM: administer it, and use it for the
// SecureStrings the deployment writes and the dead letters an operator reads.
const ACCOUNT_KEY_ACTIONS = [
  "kms:DescribeKey",
  "kms:GetKeyPolicy",
  "kms:PutKeyPolicy",
  "kms:ListKeyPolicies",
  "kms:GetKeyRotationStatus",
  "kms:EnableKeyRotation",
  "kms:DisableKeyRotation",
  "kms:RotateKeyOnDemand",
  "kms:ListKeyRotations",
  "kms:ListResourceTags",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateKeyDescription",
  "kms:EnableKey",
  "kms:DisableKey",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:UpdateAlias",
  "kms:DeleteAlias",
  "kms:CreateGrant",
  "kms:ListGrants",
  "kms:RevokeGrant",
  "kms:RetireGrant",
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
];

/** The combinations no deployment could use, refused before any resource is registered. */
function checkArgs(name: string, args: AwsAlertingArgs): void {
  const problems: string[] = [];
  const topics = Object.keys(args.topics);
  if (topics.length === 0) problems.push("topics is empty");
  for (const [t, topic] of Object.entries(args.topics)) {
    if (!(topic.slack in args.parameters.slackWebhooks)) problems.push(`topic ${t} posts for team ${topic.slack}, which parameters.slackWebhooks lacks`);
  }
  for (const team of Object.keys(args.parameters.slackWebhooks)) if (!args.slackWebhooks[team]) problems.push(`slackWebhooks has no webhook for team ${team}`);
  const alarmed = [...args.alarms, ...FORWARDERS.flatMap((f) => args.forwarders[f].alarms)].map((a) => a.topic);
  const unknown = [...new Set([...alarmed, ...FORWARDERS.flatMap((f) => args.forwarders[f].topics)])].filter((t) => !topics.includes(t));
  if (unknown.length > 0) problems.push(`alarms or forwarders name topics it does not have: ${unknown.join(", ")}`);
  const paging = Object.entries(args.topics).filter(([, t]) => t.pagerduty).map(([t]) => t);
  if (args.forwarders.pagerduty.topics.some((t) => !paging.includes(t))) problems.push(`the PagerDuty forwarder reads only topics with a pagerduty severity (${paging.join(", ") || "none"})`);
  if (problems.length > 0) throw new Error(`AwsAlerting ${name}: ${problems.join("; ")}`);
}

/**
 * The key's policy: the account administers and uses it through IAM; CloudWatch alarms, AMP's
 * Alertmanager and SNS encrypt with it for the topics; the forwarders' roles read their
 * parameters and write dead letters through the services that use it. In a key policy,
 * Resource "*" means this key.
 */
function keyPolicy(args: AwsAlertingArgs, partition: pulumi.Input<string>, account: pulumi.Input<string>, forwarderRoles: pulumi.Input<string>[]): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "AccountAdministersAndUsesKeyThroughIam", Effect: "Allow", Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${account}:root` }, Action: ACCOUNT_KEY_ACTIONS, Resource: "*" },
      // Alarms cannot publish to topics under alias/aws/sns; they need this on the CMK.
      { Sid: "CloudWatchAlarmsPublishToEncryptedTopics", Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: "*" },
      // AMP's Alertmanager publishes to the same topics (which workspace may is the topic policies' say).
      ...(args.ampPublishes
        ? [{ Sid: "AmpAlertmanagerPublishesToEncryptedTopics", Effect: "Allow", Principal: { Service: "aps.amazonaws.com" }, Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: "*" }]
        : []),
      {
        Sid: "SnsUsesKeyForThisAccountsTopics",
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": account } },
      },
      {
        Sid: "ForwardersReadParametersAndWriteDeadLetters",
        Effect: "Allow",
        Principal: { AWS: forwarderRoles },
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: "*",
        Condition: { StringEquals: { "kms:ViaService": [...new Set(FORWARDERS.flatMap((f) => args.forwarders[f].keyViaServices))] } },
      },
    ],
  });
}

/**
 * The SecureStrings (the PagerDuty key, each team's Slack webhook), and what each forwarder gets
 * of them: their names and routing maps keyed by topic ARN (the field SNS hands the Lambda in each
 * record) in its environment, their ARNs for its role.
 */
function forwarderInputs(
  name: string,
  args: AwsAlertingArgs,
  keyArn: pulumi.Output<string>,
  topicArns: Record<TopicId, pulumi.Output<string>>,
  opts: pulumi.CustomResourceOptions,
): { environment: Record<ForwarderKind, Record<string, pulumi.Input<string>>>; parameterArns: Record<ForwarderKind, pulumi.Output<string>[]> } {
  const { parameters, tags } = args;
  // Kept secret even if a caller passes a plain value: it must never reach state in plaintext.
  const secureString = (id: string, parameterName: string, value: pulumi.Input<string>, description: string) =>
    new aws.ssm.Parameter(`${name}-${id}`, { name: parameterName, type: "SecureString", keyId: keyArn, value: pulumi.secret(value), description, tags }, opts);
  const pagerdutyKey = secureString("pagerduty-key", parameters.pagerdutyKey, args.pagerdutyKey, "PagerDuty Events API v2 routing key");
  const webhooks = Object.fromEntries(
    Object.entries(parameters.slackWebhooks).map(([team, p]) => [team, secureString(`slack-webhook-${team}`, p.name, args.slackWebhooks[team]!, `Slack webhook for ${p.channel}`)]),
  );
  const byTopicArn = (entries: [TopicId, pulumi.Input<string>][]) =>
    pulumi.all(entries.map(([t, v]) => pulumi.all([topicArns[t], v]))).apply((pairs) => JSON.stringify(Object.fromEntries(pairs)));
  return {
    environment: {
      pagerduty: {
        [ENV.pagerdutyKeyParameter]: pagerdutyKey.name,
        [ENV.topicSeverities]: byTopicArn(args.forwarders.pagerduty.topics.map((t) => [t, args.topics[t].pagerduty!])),
      },
      slack: {
        [ENV.slackWebhookParameters]: byTopicArn(args.forwarders.slack.topics.map((t) => [t, webhooks[args.topics[t].slack].name])),
      },
    },
    parameterArns: { pagerduty: [pagerdutyKey.arn], slack: Object.values(webhooks).map((p) => p.arn) },
  };
}

export class AwsAlerting extends pulumi.ComponentResource {
  readonly topicArns: Record<TopicId, pulumi.Output<string>>;
  readonly keyArn: pulumi.Output<string>;
  readonly forwarderArns: Record<ForwarderKind, pulumi.Output<string>>;

  constructor(name: string, args: AwsAlertingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ananta:aws:AwsAlerting", name, {}, opts);
    checkArgs(name, args);
    const { tags } = args;
    const child = { parent: this };

    // The key policy is its own resource: it names the forwarder roles, which are created later.
    const key = new aws.kms.Key(`${name}-key`, { description: `${name} alerting: SNS topics, SSM parameters, dead letters`, enableKeyRotation: true, deletionWindowInDays: 30, tags }, child);
    new aws.kms.Alias(`${name}-key-alias`, { name: `alias/${name}-alerting`, targetKeyId: key.keyId }, child);

    const ids = Object.keys(args.topics);
    const topics = Object.fromEntries(ids.map((t) => [t, new aws.sns.Topic(`${name}-${t}`, { name: args.topics[t].name, kmsMasterKeyId: key.arn, tags }, child)]));
    this.topicArns = Object.fromEntries(ids.map((t) => [t, topics[t].arn]));

    for (const spec of args.alarms) metricAlarm(spec, this.topicArns, tags, this);

    const { environment, parameterArns } = forwarderInputs(name, args, key.arn, this.topicArns, child);
    const account = aws.getCallerIdentityOutput({}, child).accountId;
    const partition = aws.getPartitionOutput({}, child).partition;
    // The stack's own alarms (all named <namePrefix>-<environment>-...): the PagerDuty forwarder reads their current state.
    const stackAlarms = pulumi.interpolate`arn:${partition}:cloudwatch:${args.region}:${account}:alarm:${args.alarmPrefix}-*`;
    const forwarders = Object.fromEntries(
      FORWARDERS.map((f) => [
        f,
        new Forwarder(
          `${name}-${f}`,
          { ...args.forwarders[f], environment: environment[f], parameterArns: parameterArns[f], keyArn: key.arn, topicArns: this.topicArns, tags, ...(f === "pagerduty" ? { alarmArns: stackAlarms } : {}) },
          child,
        ),
      ]),
    ) as Record<ForwarderKind, Forwarder>;
    new aws.kms.KeyPolicy(
      `${name}-key-policy`,
      {
        keyId: key.keyId,
        policy: keyPolicy(args, partition, account, FORWARDERS.map((f) => forwarders[f].roleArn)),
      },
      child,
    );

    this.keyArn = key.arn;
    this.forwarderArns = Object.fromEntries(FORWARDERS.map((f) => [f, forwarders[f].functionArn])) as Record<ForwarderKind, pulumi.Output<string>>;
    this.registerOutputs({ topicArns: this.topicArns, keyArn: this.keyArn, forwarderArns: this.forwarderArns });
  }
}
