// Receivers: one per notification channel. Production sends to PagerDuty, Slack and e-mail,
// reading every secret from a file under options.secretsDir; local mode posts each
// receiver's notifications to <localWebhookUrl><receiver name> and needs no secret.
import * as path from "node:path";
import type { Settings, TeamId } from "../../settings";
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

type Channel = { name: string; production: (settings: Settings, secret: SecretPath) => Integrations };

/** Every receiver, in a fixed order (watchdog, PagerDuty, then each team's Slack and e-mail), with how production fills it. */
function channels(settings: Settings): Channel[] {
  const teams = Object.entries(settings.notifications.teams);
  return [
    { name: RECEIVERS.watchdog, production: watchdog },
    { name: RECEIVERS.pagerduty, production: pagerduty },
    ...teams.flatMap(([id, team]) => (team.slack ? [{ name: RECEIVERS.slack(id), production: (s: Settings, secret: SecretPath) => slack(s, id, secret) }] : [])),
    ...teams.flatMap(([id, team]) => (team.email ? [{ name: RECEIVERS.email(id), production: (s: Settings, secret: SecretPath) => email(s, id, secret) }] : [])),
  ];
}

export function receivers(settings: Settings, options: RenderOptions): Receiver[] {
  if (settings.notifications.mode === "local") {
    const base = settings.notifications.localWebhookUrl;
    return channels(settings).map(({ name }) => ({ name, webhook_configs: [{ url: `${base}${name}`, send_resolved: true }] }));
  }
  const secret = secretFileOf(settings, options);
  return channels(settings).map(({ name, production }) => ({ name, ...production(settings, secret) }));
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

function slack(settings: Settings, team: TeamId, secret: SecretPath): Integrations {
  const channel = settings.notifications.teams[team].slack!.channel;
  return {
    slack_configs: [
      {
        api_url_file: secret(`slackWebhooks.${team}`),
        channel,
        send_resolved: true,
        title: use(TEMPLATE.slackTitle),
        text: use(TEMPLATE.slackAlerts),
      },
    ],
  };
}

function email(settings: Settings, team: TeamId, secret: SecretPath): Integrations {
  const e = settings.notifications.email;
  const to = settings.notifications.teams[team].email;
  // E-mail turned off: the receiver stays (routing is the same in every mode) and tells no one.
  if (!e.enabled || !to || !e.from || !e.smarthost) return {};
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
