// What the AWS components build, decided once from the settings: the narrow arguments of
// AwsAlerting and of each Forwarder (components/), as plain data. The components only wire it,
// so each can be built alone in a test from a plan written by hand.
import { FORWARDERS, type Forwarder, type PagerDutySeverity } from "../../lambdas/contract";
import type { Settings, TeamId, TopicId } from "../../settings";
import { namePrefix } from "../layout";
import { type AlarmSpec, forwarderAlarms, inventoryAlarms } from "./alarms";
import { type ForwarderNames, forwarderNames, forwarderTopics, keyViaServices, parameterNames, slackTeams, topicIds, topicName } from "./forwarders";

export interface ForwarderPlan {
  forwarder: Forwarder;
  names: ForwarderNames;
  logRetentionDays: number;
  timeoutSeconds: number;
  /** The topics it subscribes to. */
  topics: TopicId[];
  /** The alarms on its own failures (each to a topic another forwarder reads). */
  alarms: AlarmSpec[];
  /** The only services through which its role may use the key. */
  keyViaServices: string[];
}

export interface TopicPlan {
  /** The SNS topic's name. */
  name: string;
  /** The team whose Slack channel the Slack forwarder posts its notifications to. */
  slack: TeamId;
  /** The PagerDuty severity its notifications page with; none for a topic that never pages. */
  pagerduty?: PagerDutySeverity;
}

export interface AwsAlertingPlan {
  /** The tags every AWS resource of the stack carries. */
  tags: Record<string, string>;
  topics: Record<TopicId, TopicPlan>;
  /** The alarms on the AWS inventory. */
  alarms: AlarmSpec[];
  /** SSM parameter names: the PagerDuty routing key's, and each Slack team's webhook with its channel. */
  parameters: { pagerdutyKey: string; slackWebhooks: Record<TeamId, { name: string; channel: string }> };
  region: string;
  /** Every CloudWatch alarm of the stack is named `<alarmPrefix>-...`: the PagerDuty forwarder may read their states. */
  alarmPrefix: string;
  /** AMP's Alertmanager publishes to the topics (aws.amp.enabled): the key lets it encrypt. */
  ampPublishes: boolean;
  forwarders: Record<Forwarder, ForwarderPlan>;
}

/** The tags every AWS resource of the stack carries. */
export const awsTags = (settings: Settings): Record<string, string> => ({ ...settings.aws.tags, Environment: settings.environment, ManagedBy: "pulumi" });

function forwarderPlan(settings: Settings, forwarder: Forwarder): ForwarderPlan {
  return {
    forwarder,
    names: forwarderNames(settings, forwarder),
    logRetentionDays: settings.aws.logRetentionDays,
    timeoutSeconds: settings.aws.lambdaTimeoutSeconds,
    topics: forwarderTopics(settings, forwarder),
    alarms: forwarderAlarms(settings, forwarder),
    keyViaServices: keyViaServices(settings),
  };
}

export function awsAlertingPlan(settings: Settings): AwsAlertingPlan {
  const topics = settings.aws.topics;
  return {
    tags: awsTags(settings),
    topics: Object.fromEntries(
      topicIds(settings).map((t) => [t, { name: topicName(settings, t), slack: topics[t].slack, ...(topics[t].pagerduty ? { pagerduty: topics[t].pagerduty } : {}) }]),
    ),
    alarms: inventoryAlarms(settings),
    parameters: {
      pagerdutyKey: parameterNames.pagerdutyKey(settings),
      slackWebhooks: Object.fromEntries(
        slackTeams(settings).map((team) => [team, { name: parameterNames.slackWebhook(settings, team), channel: settings.notifications.teams[team].slack!.channel }]),
      ),
    },
    region: settings.awsRegion!,
    alarmPrefix: namePrefix(settings),
    ampPublishes: settings.aws.amp.enabled,
    forwarders: Object.fromEntries(FORWARDERS.map((f) => [f, forwarderPlan(settings, f)])) as Record<Forwarder, ForwarderPlan>,
  };
}
