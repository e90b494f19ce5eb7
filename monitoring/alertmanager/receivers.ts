// Receivers: one per notification channel. Production sends to PagerDuty, Slack and e-mail,
// reading every secret from a file under options.secretsDir; local mode posts each
// receiver's notifications to <localWebhookUrl><receiver name> and needs no secret.
import * as path from "node:path";
import { EMAIL_TEAMS, SLACK_CHANNEL_IDS, type EmailTeam, type Settings, type SlackChannelId } from "../../settings";
import { RECEIVERS } from "../conventions";
import { alertmanagerSecretFiles, type RenderOptions, type SecretFile } from "../layout";
import { TEMPLATE, use } from "./templates";

/** A receiver; one with no integrations takes alerts and notifies no one (a channel turned off). */
export interface Receiver {
  name: string;
  webhook_configs?: object[];
  pagerduty_configs?: object[];
  slack_configs?: object[];
  email_configs?: object[];
}

type SecretPath = (secret: SecretFile["secret"]) => string;
/** A production receiver's integrations; none when its channel is turned off. */
type Integrations = Omit<Receiver, "name">;

/** Every receiver, in a fixed order, with how production fills it. */
const CHANNELS: { name: string; production: (settings: Settings, secret: SecretPath) => Integrations }[] = [
  { name: RECEIVERS.watchdog, production: watchdog },
  { name: RECEIVERS.pagerduty, production: pagerduty },
  ...SLACK_CHANNEL_IDS.map((id) => ({ name: RECEIVERS.slack(id), production: (s: Settings, secret: SecretPath) => slack(s, id, secret) })),
  ...EMAIL_TEAMS.map((team) => ({ name: RECEIVERS.email(team), production: (s: Settings, secret: SecretPath) => email(s, team, secret) })),
];

export function receivers(settings: Settings, options: RenderOptions): Receiver[] {
  if (settings.notifications.mode === "local") {
    const base = settings.notifications.localWebhookUrl;
    return CHANNELS.map(({ name }) => ({ name, webhook_configs: [{ url: `${base}${name}`, send_resolved: true }] }));
  }
  const secret = secretFileOf(settings, options);
  return CHANNELS.map(({ name, production }) => ({ name, ...production(settings, secret) }));
}

/** The absolute path of a secret's file, named by layout (the one place secret files are named). */
function secretFileOf(settings: Settings, options: RenderOptions): SecretPath {
  if (!path.posix.isAbsolute(options.secretsDir)) {
    throw new Error(`render option secretsDir must be an absolute path (Alertmanager requires absolute _file paths); got ${JSON.stringify(options.secretsDir)}`);
  }
  const files = alertmanagerSecretFiles(settings);
  return (secret) => {
    const entry = files.find((f) => f.secret === secret);
    if (!entry) throw new Error(`no secret file for ${secret}: monitoring/layout.ts alertmanagerSecretFiles does not list it`);
    return path.posix.join(options.secretsDir, entry.file);
  };
}

function watchdog(settings: Settings): Integrations {
  const url = settings.notifications.watchdog.url;
  return url ? { webhook_configs: [{ url, send_resolved: false }] } : {};
}

function pagerduty(settings: Settings, secret: SecretPath): Integrations {
  const pd = settings.notifications.pagerduty;
  if (!pd.enabled) return {};
  const config = {
    routing_key_file: secret("pagerdutyKey"),
    ...(pd.url ? { url: pd.url } : {}),
    send_resolved: true,
    description: use(TEMPLATE.pagerdutyDescription),
    severity: use(TEMPLATE.pagerdutySeverity),
    component: "{{ .CommonLabels.service }}{{ if .CommonLabels.slo }} (SLO {{ .CommonLabels.slo }}){{ end }}",
    group: "{{ .CommonLabels.plane }}",
    class: "{{ .CommonLabels.category }}",
    details: {
      alerts: use(TEMPLATE.alerts),
      num_firing: "{{ .Alerts.Firing | len }}",
      num_resolved: "{{ .Alerts.Resolved | len }}",
      runbook_url: "{{ .CommonAnnotations.runbook_url }}",
    },
  };
  return { pagerduty_configs: [config] };
}

function slack(settings: Settings, id: SlackChannelId, secret: SecretPath): Integrations {
  const channel = settings.notifications.slack[id];
  if (!channel.enabled) return {};
  return {
    slack_configs: [
      {
        api_url_file: secret(`slackWebhooks.${id}`),
        channel: channel.channel,
        send_resolved: true,
        title: use(TEMPLATE.title),
        text: use(TEMPLATE.alerts),
      },
    ],
  };
}

function email(settings: Settings, team: EmailTeam, secret: SecretPath): Integrations {
  const e = settings.notifications.email;
  const to = e.to[team];
  if (!e.enabled || !to) return {};
  return {
    email_configs: [
      {
        to,
        from: e.from,
        smarthost: e.smarthost,
        require_tls: e.requireTls,
        ...(e.username ? { auth_username: e.username, auth_password_file: secret("smtpPassword") } : {}),
        send_resolved: true,
        headers: { Subject: use(TEMPLATE.emailSubject) },
        html: use(TEMPLATE.emailHtml),
        text: use(TEMPLATE.alerts),
      },
    ],
  };
}
