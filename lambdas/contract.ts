// The environment contract between the AWS component and the forwarder Lambdas. The Lambda
// environment holds only parameter names and routing maps, never a secret value.

export const FORWARDERS = ["pagerduty", "slack"] as const;
export type Forwarder = (typeof FORWARDERS)[number];

export const ENV = {
  /** SSM SecureString parameter name holding the PagerDuty routing key. */
  pagerdutyKeyParameter: "PAGERDUTY_ROUTING_KEY_PARAMETER",
  /** JSON object: SNS topic ARN → PagerDuty severity (critical | error | warning | info). */
  topicSeverities: "TOPIC_SEVERITIES",
  /** JSON object: SNS topic ARN → SSM SecureString parameter name holding that channel's Slack webhook URL. */
  slackWebhookParameters: "SLACK_WEBHOOK_PARAMETERS",
  /** Optional override of the PagerDuty Events API v2 URL (tests point it at a local server). */
  pagerdutyEventsUrl: "PAGERDUTY_EVENTS_URL",
  /** Optional: how long a secret read from SSM is cached, in seconds (default 300). */
  secretTtlSeconds: "SECRET_TTL_SECONDS",
} as const;

export const PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";
export const PAGERDUTY_SEVERITIES = ["critical", "error", "warning", "info"] as const;
export type PagerDutySeverity = (typeof PAGERDUTY_SEVERITIES)[number];

/**
 * The JSON document Alertmanager (AMP's, through SNS) publishes for one alert group: the
 * forwarders read it (lambdas/shared/alertmanager.ts), the stack's template writes it
 * (monitoring/amp/message.ts). Field names follow Alertmanager's webhook payload.
 */
export const ALERTMANAGER_MESSAGE_VERSION = "ananta.alertmanager/1";

export interface AlertmanagerMessage {
  version: typeof ALERTMANAGER_MESSAGE_VERSION;
  status: "firing" | "resolved";
  /** With groupLabels, names the alert group (Alertmanager's templates have no group key). */
  receiver: string;
  externalURL: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  alerts: {
    status: "firing" | "resolved";
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    generatorURL: string;
    fingerprint: string;
  }[];
}
