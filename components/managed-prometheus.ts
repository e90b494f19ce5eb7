// Amazon Managed Service for Prometheus as the stack's rule evaluator and alert sender: a workspace
// (or an existing one) logging to CloudWatch, the generated rule files as rule groups namespaces,
// an Alertmanager definition that publishes to the stack's SNS topics (which the forwarders read),
// topic policies letting this workspace publish, and an IAM user allowed only to remote-write to
// it, whose key reaches the Docker Prometheus as a secret credentials file.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ampAlertmanager, ampAlertmanagerDefinition } from "../monitoring/amp/alertmanager";
import { ruleNamespaces } from "../monitoring/amp/rule-namespaces";
import { topicIds } from "../monitoring/cloudwatch/forwarders";
import { ruleFiles } from "../monitoring/files";
import type { Settings, TopicId } from "../settings";

export interface ManagedPrometheusArgs {
  settings: Settings;
  topicArns: Record<TopicId, pulumi.Input<string>>;
  tags: Record<string, string>;
}

// What SNS's default topic policy lets the topic's own account do: kept as it is, so CloudWatch
// alarms and the forwarders' subscriptions work as they do without this policy.
const ACCOUNT_TOPIC_ACTIONS = [
  "SNS:GetTopicAttributes",
  "SNS:SetTopicAttributes",
  "SNS:AddPermission",
  "SNS:RemovePermission",
  "SNS:DeleteTopic",
  "SNS:Subscribe",
  "SNS:ListSubscriptionsByTopic",
  "SNS:Publish",
];

/** The shared credentials file the AWS SDK in Prometheus reads (AWS_SHARED_CREDENTIALS_FILE). */
const credentialsFile = (id: string, secret: string): string => `[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`;

export class ManagedPrometheus extends pulumi.ComponentResource {
  readonly workspaceId: pulumi.Output<string>;
  readonly workspaceArn: pulumi.Output<string>;
  /** The workspace's Prometheus endpoint (ending in `/`): query API and `api/v1/remote_write`. */
  readonly endpoint: pulumi.Output<string>;
  /** Secret: the remote-write user's key as an AWS shared credentials file. */
  readonly remoteWriteCredentials: pulumi.Output<string>;

  constructor(name: string, args: ManagedPrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ananta:aws:ManagedPrometheus", name, {}, opts);
    const { settings, topicArns, tags } = args;
    const child = { parent: this };
    const region = settings.awsRegion!;

    const existing = settings.aws.amp.workspaceId;
    if (existing) {
      const ws = aws.amp.getWorkspaceOutput({ workspaceId: existing }, child);
      this.workspaceId = pulumi.output(existing);
      this.workspaceArn = ws.arn;
      this.endpoint = ws.prometheusEndpoint;
    } else {
      // AMP writes its rule evaluation and Alertmanager errors here (vended logs need this prefix).
      const logs = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: `/aws/vendedlogs/prometheus/${name}`, retentionInDays: settings.aws.logRetentionDays, tags }, child);
      const ws = new aws.amp.Workspace(`${name}-workspace`, { alias: name, loggingConfiguration: { logGroupArn: pulumi.interpolate`${logs.arn}:*` }, tags }, child);
      this.workspaceId = ws.id;
      this.workspaceArn = ws.arn;
      this.endpoint = ws.prometheusEndpoint;
    }

    for (const ns of ruleNamespaces(ruleFiles(settings))) {
      new aws.amp.RuleGroupNamespace(`${name}-rules-${ns.name}`, { workspaceId: this.workspaceId, name: ns.name, data: ns.data, tags }, child);
    }

    const account = aws.getCallerIdentityOutput({}, child).accountId;
    const policies = topicIds(settings).map(
      (t) =>
        new aws.sns.TopicPolicy(
          `${name}-${t}-topic-policy`,
          {
            arn: topicArns[t],
            policy: pulumi.jsonStringify({
              Version: "2012-10-17",
              Statement: [
                { Sid: "TopicOwnerAccount", Effect: "Allow", Principal: { AWS: "*" }, Action: ACCOUNT_TOPIC_ACTIONS, Resource: topicArns[t], Condition: { StringEquals: { "AWS:SourceOwner": account } } },
                {
                  Sid: "ThisWorkspacesAlertmanagerPublishes",
                  Effect: "Allow",
                  Principal: { Service: "aps.amazonaws.com" },
                  Action: ["sns:Publish", "sns:GetTopicAttributes"],
                  Resource: topicArns[t],
                  Condition: { ArnEquals: { "aws:SourceArn": this.workspaceArn }, StringEquals: { "aws:SourceAccount": account } },
                },
              ],
            }),
          },
          child,
        ),
    );
    new aws.amp.AlertManagerDefinition(
      `${name}-alertmanager`,
      { workspaceId: this.workspaceId, definition: pulumi.all(topicArns).apply((arns) => ampAlertmanagerDefinition(ampAlertmanager(settings, arns, region))) },
      // AMP checks at once that it may publish to the topics.
      { ...child, dependsOn: policies },
    );

    const user = new aws.iam.User(`${name}-remote-write`, { name: `${name}-remote-write`, tags }, child);
    new aws.iam.UserPolicy(
      `${name}-remote-write-policy`,
      {
        user: user.name,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [{ Sid: "RemoteWriteToThisWorkspace", Effect: "Allow", Action: ["aps:RemoteWrite"], Resource: this.workspaceArn }],
        }),
      },
      child,
    );
    const key = new aws.iam.AccessKey(`${name}-remote-write-key`, { user: user.name }, { ...child, additionalSecretOutputs: ["secret"] });
    this.remoteWriteCredentials = pulumi.secret(pulumi.all([key.id, key.secret]).apply(([id, secret]) => credentialsFile(id, secret)));

    this.registerOutputs({ workspaceId: this.workspaceId, workspaceArn: this.workspaceArn, endpoint: this.endpoint, remoteWriteCredentials: this.remoteWriteCredentials });
  }
}
