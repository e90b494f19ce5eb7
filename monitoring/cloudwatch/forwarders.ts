// Which SNS topics each forwarder Lambda reads, what PagerDuty severity each topic pages with,
// and the names of every forwarder resource. Pure data: the components wire it, tests pin it.
import type { Forwarder, PagerDutySeverity } from "../../lambdas/contract";
import { SNS_TOPICS, SlackChannelId, SnsTopic } from "../../settings";
import type { Settings } from "../../settings";
import { namePrefix } from "../layout";

/** Topics each forwarder subscribes to: PagerDuty pages for critical and SLO, Slack posts all. */
export const FORWARDER_TOPICS: Record<Forwarder, readonly SnsTopic[]> = {
  pagerduty: ["critical", "slo"],
  slack: SNS_TOPICS,
};

/** PagerDuty severity of an incident raised from each topic the PagerDuty forwarder reads. */
export const PAGERDUTY_SEVERITIES: Partial<Record<SnsTopic, PagerDutySeverity>> = {
  critical: "critical",
  slo: "error",
};

/**
 * Where a forwarder's own health alarms (errors, dead letters) go: a topic ANOTHER forwarder
 * reads, so a broken forwarder never has to report its own failure. PagerDuty's go to
 * infrastructure (Slack only); Slack's go to critical, which pages through PagerDuty.
 */
export const HEALTH_TOPIC: Record<Forwarder, SnsTopic> = {
  pagerduty: "infrastructure",
  slack: "critical",
};

export interface ForwarderNames {
  functionName: string;
  roleName: string;
  logGroupName: string;
  queueName: string;
}

export function forwarderNames(settings: Settings, forwarder: Forwarder): ForwarderNames {
  const functionName = `${namePrefix(settings)}-${forwarder}-forwarder`;
  return { functionName, roleName: functionName, logGroupName: `/aws/lambda/${functionName}`, queueName: `${functionName}-dlq` };
}

/** SSM SecureString parameter names: one for the PagerDuty key, one per Slack channel used. */
export const parameterNames = {
  pagerdutyKey: (settings: Settings) => `/${namePrefix(settings)}/alerting/pagerduty-routing-key`,
  slackWebhook: (settings: Settings, channel: SlackChannelId) => `/${namePrefix(settings)}/alerting/slack-webhooks/${channel}`,
};

/** The Slack channels the Slack forwarder posts to (distinct, in topic order). */
export const slackChannels = (settings: Settings): SlackChannelId[] => [...new Set(SNS_TOPICS.map((t) => settings.aws.topicChannels[t]))];

/** The only services through which a forwarder role may use the key: SSM (its parameters) and SQS (its dead letters). */
export const keyViaServices = (settings: Settings): string[] => ["ssm", "sqs"].map((s) => `${s}.${settings.awsRegion}.amazonaws.com`);
