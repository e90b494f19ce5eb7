// Which SNS topics each forwarder Lambda reads, what PagerDuty severity each topic pages with,
// and the names of every forwarder resource. Pure data: the components wire it, tests pin it.
import type { Forwarder, PagerDutySeverity } from "../../lambdas/contract";
import type { Settings, TeamId, TopicId } from "../../settings";
import { namePrefix } from "../layout";

/** The stack's SNS topics (settings aws.topics), in order. */
export const topicIds = (settings: Settings): TopicId[] => Object.keys(settings.aws.topics);

/** A topic's SNS name: <namePrefix>-<environment>-<topic>. */
export const topicName = (settings: Settings, topic: TopicId): string => `${namePrefix(settings)}-${topic}`;

/** Topics each forwarder subscribes to: PagerDuty those with a PagerDuty severity, Slack all. */
export function forwarderTopics(settings: Settings, forwarder: Forwarder): TopicId[] {
  return topicIds(settings).filter((t) => forwarder === "slack" || settings.aws.topics[t].pagerduty);
}

/** PagerDuty severity of an incident raised from each topic the PagerDuty forwarder reads. */
export const pagerdutySeverities = (settings: Settings): Record<TopicId, PagerDutySeverity> =>
  Object.fromEntries(forwarderTopics(settings, "pagerduty").map((t) => [t, settings.aws.topics[t].pagerduty!]));

/**
 * Where a forwarder's own health alarms (errors, dead letters) go: a topic ANOTHER forwarder
 * reads (aws.forwarderAlarmTopics, checked by the settings), so a broken forwarder never has to
 * report its own failure.
 */
export const healthTopic = (settings: Settings, forwarder: Forwarder): TopicId => settings.aws.forwarderAlarmTopics[forwarder];

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

/** SSM SecureString parameter names: one for the PagerDuty key, one per team the Slack forwarder posts for. */
export const parameterNames = {
  pagerdutyKey: (settings: Settings) => `/${namePrefix(settings)}/alerting/pagerduty-routing-key`,
  slackWebhook: (settings: Settings, team: TeamId) => `/${namePrefix(settings)}/alerting/slack-webhooks/${team}`,
};

/** The teams whose Slack channels the Slack forwarder posts to (distinct, in topic order). */
export const slackTeams = (settings: Settings): TeamId[] => [...new Set(topicIds(settings).map((t) => settings.aws.topics[t].slack))];

/** The only services through which a forwarder role may use the key: SSM (its parameters) and SQS (its dead letters). */
export const keyViaServices = (settings: Settings): string[] => ["ssm", "sqs"].map((s) => `${s}.${settings.awsRegion}.amazonaws.com`);
