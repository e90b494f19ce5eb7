// The AWS side of the reference: a customer-managed KMS key and the four encrypted SNS topics.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SNS_TOPICS, SecretValues, Settings, SnsTopic } from "../settings";

export interface AwsAlertingArgs {
  settings: Settings;
  secrets: SecretValues;
}

export class AwsAlerting extends pulumi.ComponentResource {
  readonly topicArns: Record<SnsTopic, pulumi.Output<string>>;

  constructor(name: string, args: AwsAlertingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ananta:aws:AwsAlerting", name, {}, opts);
    const tags = { ...args.settings.aws.tags, Environment: args.settings.environment, ManagedBy: "pulumi" };
    const key = new aws.kms.Key(`${name}-key`, { description: `${name} alerting topics`, enableKeyRotation: true, tags }, { parent: this });
    const topics = SNS_TOPICS.map((t) => [t, new aws.sns.Topic(`${name}-${t}`, { name: `${name}-${t}`, kmsMasterKeyId: key.arn, tags }, { parent: this })] as const);
    this.topicArns = Object.fromEntries(topics.map(([t, topic]) => [t, topic.arn])) as Record<SnsTopic, pulumi.Output<string>>;
    this.registerOutputs({ topicArns: this.topicArns });
  }
}
