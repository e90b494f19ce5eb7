// One forwarder Lambda (PagerDuty or Slack) and everything it needs: its own log group, an IAM
// role limited to that log group, its parameters, the key and its dead-letter queue; SNS
// subscriptions with invoke permissions scoped to each topic; retries then an encrypted
// dead-letter queue; and alarms on its own failures, sent to a topic another forwarder reads.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bundleLambda } from "../lambdas/bundle";
import type { ForwarderPlan } from "../monitoring/cloudwatch/plan";
import type { TopicId } from "../settings";
import { metricAlarm } from "./metric-alarm";

/** What monitoring/cloudwatch/plan.ts decided for this forwarder, and the resources it reads and is read from. */
export interface ForwarderArgs extends ForwarderPlan {
  /** Lambda environment: parameter names and routing maps only, never a secret value. */
  environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** ARNs of the SSM parameters this forwarder may read. */
  parameterArns: pulumi.Input<string>[];
  /** The customer-managed key of the topics, parameters and dead-letter queue. */
  keyArn: pulumi.Input<string>;
  topicArns: Record<TopicId, pulumi.Input<string>>;
  tags: Record<string, string>;
  /** Alarms whose current state it may read (DescribeAlarms), to drop an ALARM retried after the alarm recovered. */
  alarmArns?: pulumi.Input<string>;
}

// Lambda retries a failed asynchronous invocation at most twice; then the event goes to the queue.
const MAX_RETRIES = 2;
// An alarm notification older than an hour is stale; it goes to the queue for a human instead.
const MAX_EVENT_AGE_SECONDS = 3600;
// Dead letters are kept for the longest time SQS allows (14 days), to be read and replayed.
const DLQ_RETENTION_SECONDS = 14 * 24 * 3600;
// Lambda's own limit on a function's timeout.
const MAX_TIMEOUT_SECONDS = 900;

/** The combinations no deployment could use, refused before any resource is registered. */
function checkArgs(name: string, args: ForwarderArgs): void {
  const problems: string[] = [];
  if (!Number.isInteger(args.timeoutSeconds) || args.timeoutSeconds < 1 || args.timeoutSeconds > MAX_TIMEOUT_SECONDS) {
    problems.push(`timeoutSeconds ${args.timeoutSeconds} is not a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}`);
  }
  if (args.topics.length === 0) problems.push("topics is empty: the forwarder would read nothing");
  const unknown = [...new Set([...args.topics, ...args.alarms.map((a) => a.topic)])].filter((t) => !(t in args.topicArns));
  if (unknown.length > 0) problems.push(`topicArns has no ARN for ${unknown.join(", ")} (it has ${Object.keys(args.topicArns).join(", ") || "none"})`);
  if (problems.length > 0) throw new Error(`Forwarder ${name}: ${problems.join("; ")}`);
}

/** What the function's role may do: write its own logs, read its parameters, send to its queue, use the key only through those services. */
function rolePolicy(args: ForwarderArgs, logGroupArn: pulumi.Output<string>, queueArn: pulumi.Output<string>): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${logGroupArn}:*` },
      { Sid: "ReadOwnParameters", Effect: "Allow", Action: ["ssm:GetParameter"], Resource: args.parameterArns },
      { Sid: "SendToDeadLetterQueue", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: queueArn },
      ...(args.alarmArns ? [{ Sid: "ReadStackAlarmStates", Effect: "Allow", Action: ["cloudwatch:DescribeAlarms"], Resource: args.alarmArns }] : []),
      {
        Sid: "UseAlertingKey",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: args.keyArn,
        Condition: { StringEquals: { "kms:ViaService": args.keyViaServices } },
      },
    ],
  });
}

/** The function subscribed to one topic, with the permission (scoped to that topic) SNS needs first. */
function subscribe(id: string, fn: aws.lambda.Function, topicArn: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): void {
  const permission = new aws.lambda.Permission(`${id}-invoke`, { action: "lambda:InvokeFunction", function: fn.name, principal: "sns.amazonaws.com", sourceArn: topicArn }, opts);
  new aws.sns.TopicSubscription(`${id}-subscription`, { topic: topicArn, protocol: "lambda", endpoint: fn.arn }, { ...opts, dependsOn: [permission] });
}

export class Forwarder extends pulumi.ComponentResource {
  readonly functionArn: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;
  readonly queueArn: pulumi.Output<string>;

  constructor(name: string, args: ForwarderArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ananta:aws:Forwarder", name, {}, opts);
    checkArgs(name, args);
    const { forwarder, names, tags } = args;
    const child = { parent: this };

    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: names.logGroupName, retentionInDays: args.logRetentionDays, tags }, child);
    const queue = new aws.sqs.Queue(`${name}-dlq`, { name: names.queueName, kmsMasterKeyId: args.keyArn, messageRetentionSeconds: DLQ_RETENTION_SECONDS, tags }, child);
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        name: names.roleName,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
        tags,
      },
      child,
    );
    const policy = new aws.iam.RolePolicy(`${name}-policy`, { role: role.name, policy: rolePolicy(args, logGroup.arn, queue.arn) }, child);
    const bundle = bundleLambda(forwarder);
    const fn = new aws.lambda.Function(
      `${name}-function`,
      {
        name: names.functionName,
        description: `Forwards CloudWatch alarm notifications from SNS to ${forwarder === "pagerduty" ? "PagerDuty" : "Slack"}`,
        role: role.arn,
        runtime: "nodejs22.x",
        architectures: ["arm64"],
        handler: "index.handler",
        code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundle.code) }),
        memorySize: 128,
        timeout: args.timeoutSeconds,
        environment: { variables: args.environment },
        loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
        tags,
      },
      // The role must carry its policy before the first invocation.
      { ...child, dependsOn: [policy] },
    );
    new aws.lambda.FunctionEventInvokeConfig(
      `${name}-async`,
      {
        functionName: fn.name,
        maximumRetryAttempts: MAX_RETRIES,
        maximumEventAgeInSeconds: MAX_EVENT_AGE_SECONDS,
        destinationConfig: { onFailure: { destination: queue.arn } },
      },
      // Lambda checks at creation that the role may send to the destination.
      { ...child, dependsOn: [policy] },
    );
    for (const topic of args.topics) subscribe(`${name}-${topic}`, fn, args.topicArns[topic], child);
    for (const spec of args.alarms) metricAlarm(spec, args.topicArns, tags, this);

    this.functionArn = fn.arn;
    this.roleArn = role.arn;
    this.queueArn = queue.arn;
    this.registerOutputs({ functionArn: this.functionArn, roleArn: this.roleArn, queueArn: this.queueArn });
  }
}
