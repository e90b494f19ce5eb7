// Recognisable fake secret values: tests feed them in and prove they never appear in plaintext.
export const SENTINEL = {
  pagerdutyKey: "SENTINEL-PAGERDUTY-KEY-7f3a",
  slackWebhooks: {
    critical: "https://hooks.slack.invalid/SENTINEL-SLACK-CRITICAL",
    platform: "https://hooks.slack.invalid/SENTINEL-SLACK-PLATFORM",
    slo: "https://hooks.slack.invalid/SENTINEL-SLACK-SLO",
    database: "https://hooks.slack.invalid/SENTINEL-SLACK-DATABASE",
    controlPlane: "https://hooks.slack.invalid/SENTINEL-SLACK-CONTROL",
    appPlane: "https://hooks.slack.invalid/SENTINEL-SLACK-APP",
    infrastructure: "https://hooks.slack.invalid/SENTINEL-SLACK-INFRA",
  },
  smtpPassword: "SENTINEL-SMTP-PASSWORD-91c2",
  grafanaAdminPassword: "SENTINEL-GRAFANA-PASSWORD-44d0",
};

/** Every sentinel string, for "appears nowhere" checks. */
export const SENTINEL_VALUES: string[] = [
  SENTINEL.pagerdutyKey,
  ...Object.values(SENTINEL.slackWebhooks),
  SENTINEL.smtpPassword,
  SENTINEL.grafanaAdminPassword,
];

/** The sentinel values found in a text (empty when clean). */
export const sentinelsIn = (text: string): string[] => SENTINEL_VALUES.filter((s) => text.includes(s));
