// Amazon Managed Service for Prometheus as the stack's rule evaluator and alert sender: a workspace
// (or an existing one) logging to CloudWatch, the generated rule files as rule groups namespaces,
// an Alertmanager definition that publishes to the stack's SNS topics (which the forwarders read),
// topic policies letting this workspace publish, and an IAM user allowed only to remote-write to
// it, whose key reaches the Docker Prometheus as a secret credentials file.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ManagedPrometheusPlan } from "../monitoring/amp/plan";
import type { TopicId } from "../settings";

/** What monitoring/amp/plan.ts decided, and the topics (AwsAlerting's) its Alertmanager publishes to. */
export interface ManagedPrometheusArgs extends ManagedPrometheusPlan {
  topicArns: Record<TopicId, pulumi.Input<string>>;
}

/** The combinations no deployment could use, refused before any resource is registered. */
function checkArgs(name: string, args: ManagedPrometheusArgs): void {
  const problems: string[] = [];
  if (args.topics.length === 0) problems.push("topics is empty: its Alertmanager would reach no one");
  const unknown = args.topics.filter((t) => !(t in args.topicArns));
  if (unknown.length > 0) problems.push(`topicArns has no ARN for ${unknown.join(", ")}`);
  if (args.ruleNamespaces.length === 0) problems.push("ruleNamespaces is empty: the workspace would evaluate no rule");
  if (args.workspaceId !== undefined && !/^ws-[0-9a-fA-F-]+$/.test(args.workspaceId)) problems.push(`workspaceId ${JSON.stringify(args.workspaceId)} is not an AMP workspace id (ws-...)`);
  if (problems.length > 0) throw new Error(`ManagedPrometheus ${name}: ${problems.join("; ")}`);
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

/** A topic's policy: its own account keeps what SNS's default policy gives it, and this workspace's Alertmanager may publish. */
function topicPolicy(topicArn: pulumi.Input<string>, account: pulumi.Input<string>, workspaceArn: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "TopicOwnerAccount", Effect: "Allow", Principal: { AWS: "*" }, Action: ACCOUNT_TOPIC_ACTIONS, Resource: topicArn, Condition: { StringEquals: { "AWS:SourceOwner": account } } },
      {
        Sid: "ThisWorkspacesAlertmanagerPublishes",
        Effect: "Allow",
        Principal: { Service: "aps.amazonaws.com" },
        Action: ["sns:Publish", "sns:GetTopicAttributes"],
        Resource: topicArn,
        Condition: { ArnEquals: { "aws:SourceArn": workspaceArn }, StringEquals: { "aws:SourceAccount": account } },
      },
    ],
  });
}

export class ManagedPrometheus extends pulumi.ComponentResource {
  readonly workspaceId: pulumi.Output<string>;
  readonly workspaceArn: pulumi.Output<string>;
  /** The workspace's Prometheus endpoint (ending in `/`): query API and `api/v1/remote_write`. */
  readonly endpoint: pulumi.Output<string>;
  /** Secret: the remote-write user's key as an AWS shared credentials file. */
  readonly remoteWriteCredentials: pulumi.Output<string>;

  constructor(name: string, args: ManagedPrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ananta:aws:ManagedPrometheus", name, {}, opts);
    checkArgs(name, args);
    const { topicArns, tags } = args;
    const child = { parent: this };

    const existing = args.workspaceId;
    if (existing) {
      const ws = aws.amp.getWorkspaceOutput({ workspaceId: existing }, child);
      this.workspaceId = pulumi.output(existing);
      this.workspaceArn = ws.arn;
      this.endpoint = ws.prometheusEndpoint;
    } else {
      // AMP writes its rule evaluation and Alertmanager errors here (vended logs need this prefix).
      const logs = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: `/aws/vendedlogs/prometheus/${name}`, retentionInDays: args.logRetentionDays, tags }, child);
      const ws = new aws.amp.Workspace(`${name}-workspace`, { alias: name, loggingConfiguration: { logGroupArn: pulumi.interpolate`${logs.arn}:*` }, tags }, child);
      this.workspaceId = ws.id;
      this.workspaceArn = ws.arn;
      this.endpoint = ws.prometheusEndpoint;
    }

    for (const ns of args.ruleNamespaces) {
      new aws.amp.RuleGroupNamespace(`${name}-rules-${ns.name}`, { workspaceId: this.workspaceId, name: ns.name, data: ns.data, tags }, child);
    }

    const account = aws.getCallerIdentityOutput({}, child).accountId;
    const policies = args.topics.map((t) => new aws.sns.TopicPolicy(`${name}-${t}-topic-policy`, { arn: topicArns[t], policy: topicPolicy(topicArns[t], account, this.workspaceArn) }, child));
    new aws.amp.AlertManagerDefinition(
      `${name}-alertmanager`,
      { workspaceId: this.workspaceId, definition: pulumi.all(topicArns).apply((arns) => args.alertmanagerDefinition(arns)) },
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
