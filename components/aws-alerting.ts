// The AWS side of the reference: a customer-managed KMS key, four encrypted SNS topics, the
// CloudWatch alarms on the AWS inventory, the PagerDuty and Slack keys as SSM SecureStrings,
// and the two forwarder Lambdas that carry alarm notifications to PagerDuty and Slack.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { namePrefix } from "../monitoring/layout";
import { ENV, FORWARDERS, Forwarder as ForwarderKind } from "../lambdas/contract";
import { inventoryAlarms } from "../monitoring/cloudwatch/alarms";
import { keyViaServices, pagerdutySeverities, parameterNames, slackTeams, topicIds, topicName } from "../monitoring/cloudwatch/forwarders";
import { PROJECT, SecretValues, setSecretCommand, Settings, TopicId } from "../settings";
import { Forwarder } from "./forwarder";
import { metricAlarm } from "./metric-alarm";

export interface AwsAlertingArgs {
  settings: Settings;
  secrets: SecretValues;
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

function requireSecret(value: pulumi.Output<string> | undefined, key: string): pulumi.Output<string> {
  if (!value) throw new Error(`${PROJECT}:${key} is required when aws.enabled is true; set it with: ${setSecretCommand(key)}`);
  // Kept secret even if a caller passes a plain Output: it must never reach state in plaintext.
  return pulumi.secret(value);
}

/**
 * The key's policy: the account administers and uses it through IAM; CloudWatch alarms, AMP's
 * Alertmanager and SNS encrypt with it for the topics; the forwarders' roles read their
 * parameters and write dead letters through the services that use it. In a key policy,
 * Resource "*" means this key.
 */
function keyPolicy(settings: Settings, partition: pulumi.Input<string>, account: pulumi.Input<string>, forwarderRoles: pulumi.Input<string>[]): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "AccountAdministersAndUsesKeyThroughIam", Effect: "Allow", Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${account}:root` }, Action: ACCOUNT_KEY_ACTIONS, Resource: "*" },
      // Alarms cannot publish to topics under alias/aws/sns; they need this on the CMK.
      { Sid: "CloudWatchAlarmsPublishToEncryptedTopics", Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: "*" },
      // AMP's Alertmanager publishes to the same topics (which workspace may is the topic policies' say).
      ...(settings.aws.amp.enabled
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
        Condition: { StringEquals: { "kms:ViaService": keyViaServices(settings) } },
      },
    ],
  });
}

export class AwsAlerting extends pulumi.ComponentResource {
  readonly topicArns: Record<TopicId, pulumi.Output<string>>;
  readonly keyArn: pulumi.Output<string>;
  readonly forwarderArns: Record<ForwarderKind, pulumi.Output<string>>;
  /** The tags every AWS resource of the stack carries. */
  readonly tags: Record<string, string>;

  constructor(name: string, args: AwsAlertingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ananta:aws:AwsAlerting", name, {}, opts);
    const { settings, secrets } = args;
    const tags = { ...settings.aws.tags, Environment: settings.environment, ManagedBy: "pulumi" };
    this.tags = tags;
    const child = { parent: this };

    // The key policy is its own resource: it names the forwarder roles, which are created later.
    const key = new aws.kms.Key(`${name}-key`, { description: `${name} alerting: SNS topics, SSM parameters, dead letters`, enableKeyRotation: true, deletionWindowInDays: 30, tags }, child);
    new aws.kms.Alias(`${name}-key-alias`, { name: `alias/${name}-alerting`, targetKeyId: key.keyId }, child);

    const ids = topicIds(settings);
    const topics = Object.fromEntries(ids.map((t) => [t, new aws.sns.Topic(`${name}-${t}`, { name: topicName(settings, t), kmsMasterKeyId: key.arn, tags }, child)]));
    this.topicArns = Object.fromEntries(ids.map((t) => [t, topics[t].arn]));

    for (const spec of inventoryAlarms(settings)) metricAlarm(spec, this.topicArns, tags, this);

    const secureString = (id: string, parameterName: string, value: pulumi.Output<string>, description: string) =>
      new aws.ssm.Parameter(`${name}-${id}`, { name: parameterName, type: "SecureString", keyId: key.arn, value, description, tags }, child);
    const pagerdutyKey = secureString("pagerduty-key", parameterNames.pagerdutyKey(settings), requireSecret(secrets.pagerdutyKey, "pagerdutyKey"), "PagerDuty Events API v2 routing key");
    const webhooks = Object.fromEntries(
      slackTeams(settings).map((team) => [
        team,
        secureString(
          `slack-webhook-${team}`,
          parameterNames.slackWebhook(settings, team),
          requireSecret(secrets.slackWebhooks[team], `slackWebhooks.${team}`),
          `Slack webhook for ${settings.notifications.teams[team].slack!.channel}`,
        ),
      ]),
    );

    // Routing maps keyed by topic ARN, the field SNS hands the Lambda in each record.
    const byTopicArn = (entries: [TopicId, pulumi.Input<string>][]) =>
      pulumi.all(entries.map(([t, v]) => pulumi.all([this.topicArns[t], v]))).apply((pairs) => JSON.stringify(Object.fromEntries(pairs)));
    const environment: Record<ForwarderKind, Record<string, pulumi.Input<string>>> = {
      pagerduty: {
        [ENV.pagerdutyKeyParameter]: pagerdutyKey.name,
        [ENV.topicSeverities]: byTopicArn(Object.entries(pagerdutySeverities(settings))),
      },
      slack: {
        [ENV.slackWebhookParameters]: byTopicArn(ids.map((t) => [t, webhooks[settings.aws.topics[t].slack].name])),
      },
    };
    const parameterArns: Record<ForwarderKind, pulumi.Output<string>[]> = {
      pagerduty: [pagerdutyKey.arn],
      slack: Object.values(webhooks).map((p) => p.arn),
    };
    const account = aws.getCallerIdentityOutput({}, child).accountId;
    const partition = aws.getPartitionOutput({}, child).partition;
    // The stack's own alarms (all named <namePrefix>-<environment>-...): the PagerDuty forwarder reads their current state.
    const stackAlarms = pulumi.interpolate`arn:${partition}:cloudwatch:${settings.awsRegion!}:${account}:alarm:${namePrefix(settings)}-*`;
    const forwarders = Object.fromEntries(
      FORWARDERS.map((f) => [
        f,
        new Forwarder(
          `${name}-${f}`,
          { settings, forwarder: f, environment: environment[f], parameterArns: parameterArns[f], keyArn: key.arn, topicArns: this.topicArns, tags, ...(f === "pagerduty" ? { alarmArns: stackAlarms } : {}) },
          child,
        ),
      ]),
    ) as Record<ForwarderKind, Forwarder>;
    new aws.kms.KeyPolicy(
      `${name}-key-policy`,
      {
        keyId: key.keyId,
        policy: keyPolicy(settings, partition, account, FORWARDERS.map((f) => forwarders[f].roleArn)),
      },
      child,
    );

    this.keyArn = key.arn;
    this.forwarderArns = Object.fromEntries(FORWARDERS.map((f) => [f, forwarders[f].functionArn])) as Record<ForwarderKind, pulumi.Output<string>>;
    this.registerOutputs({ topicArns: this.topicArns, keyArn: this.keyArn, forwarderArns: this.forwarderArns });
  }
}
