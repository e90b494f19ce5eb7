// Local receivers standing in for PagerDuty, every Slack channel, e-mail and the dev webhooks.
// Each notification is recorded (and reported to a listener) with the channel it reached.
import * as http from "node:http";
import { SMTPServer } from "smtp-server";
import { RECEIVERS } from "../monitoring/conventions";
import type { Settings, TeamId } from "../settings";
import { LOOPBACK, closeServer, listenLoopback } from "./ports";

export interface Notification {
  /** Where it arrived: `pagerduty`, `slack #critical-alerts`, `email oncall@example.com`; a dev-mode webhook says which of these it stands for. */
  channel: string;
  status: "firing" | "resolved";
  /** One line saying what the message is about (title, subject or summary). */
  summary: string;
  /** The message as received, for assertions on its content. */
  body: string;
  /** Which alert group and which state of it: equal for the same notification sent twice. */
  identity: string;
  /** When it arrived (ms since the epoch). */
  receivedAt: number;
}

/** How npm run local prints a notification: time, status, channel, what it is about (README's sample is checked against it). */
export const notificationLine = (n: Pick<Notification, "status" | "channel" | "summary">, time: string): string =>
  `${time}  ${n.status === "firing" ? "FIRING  " : "RESOLVED"}  ${n.channel.padEnd(40)}  ${n.summary}`;

/** Deliveries that repeat an earlier one to the same channel (same group, same alerts, same states). */
export function duplicatesOf(notifications: Notification[]): Notification[] {
  const seen = new Set<string>();
  return notifications.filter((n) => {
    const key = `${n.channel}\0${n.identity}`;
    if (seen.has(key)) return true;
    seen.add(key);
    return false;
  });
}

export interface ReceiverOptions {
  /** Slack channel names by team id (from settings), to name the channel a webhook reached. */
  slackChannels: Record<string, string>;
  /** Dev mode: what each webhook receiver stands for, by receiver name (see channelsOfReceivers). */
  receiverChannels: Record<string, string>;
  /** When set, the fake PagerDuty rejects events carrying another routing key, like the real one. */
  pagerdutyKey?: string;
  /** When set, the SMTP sink rejects other credentials. */
  smtpPassword?: string;
  onNotification?: (n: Notification) => void;
}

export const slackChannelsOf = (settings: Settings): Record<TeamId, string> =>
  Object.fromEntries(Object.entries(settings.notifications.teams).flatMap(([id, t]) => (t.slack ? [[id, t.slack.channel]] : [])));

/** Receiver name → the channel it stands for, named as the production receivers would reach it. */
export function channelsOfReceivers(settings: Settings): Record<string, string> {
  const teams = Object.entries(settings.notifications.teams);
  return {
    [RECEIVERS.watchdog]: "watchdog",
    [RECEIVERS.pagerduty]: "pagerduty",
    ...Object.fromEntries(teams.flatMap(([id, t]) => (t.slack ? [[RECEIVERS.slack(id), `slack ${t.slack.channel}`]] : []))),
    ...Object.fromEntries(teams.flatMap(([id, t]) => (t.email ? [[RECEIVERS.email(id), `email ${t.email}`]] : []))),
  };
}

/** Alertmanager's own titles and subjects start [FIRING:n] or [RESOLVED]; custom ones say the status too. */
export const statusOfText = (text: string): Notification["status"] => (/\bRESOLVED\b/i.test(text) && !/\bFIRING\b/i.test(text) ? "resolved" : "firing");

export class Receivers {
  readonly notifications: Notification[] = [];
  private readonly http = http.createServer((req, res) => this.handle(req, res));
  private readonly smtp: SMTPServer;
  private httpPort = 0;
  smtpPort = 0;

  constructor(private readonly options: ReceiverOptions) {
    this.smtp = new SMTPServer({
      authOptional: true,
      allowInsecureAuth: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onAuth: (auth, _session, callback) => {
        if (options.smtpPassword !== undefined && auth.password !== options.smtpPassword) return callback(new Error("invalid credentials"));
        callback(null, { user: auth.username });
      },
      onData: (stream, session, callback) => {
        let text = "";
        stream.on("data", (c: Buffer) => (text += c.toString()));
        stream.on("end", () => {
          const subject = /^Subject: (.*(?:\r?\n[ \t].*)*)/im.exec(text)?.[1].replace(/\r?\n[ \t]/g, " ") ?? "";
          for (const rcpt of session.envelope.rcptTo) {
            // The subject names the group's state; dates, message ids and MIME boundaries differ per sender.
            this.record({ channel: `email ${rcpt.address}`, status: statusOfText(subject), summary: decodeMimeWords(subject), body: text, identity: subject });
          }
          callback();
        });
      },
    });
  }

  async start(): Promise<void> {
    this.httpPort = await listenLoopback(this.http);
    this.smtpPort = await listenLoopback(this.smtp.server);
  }

  private get base(): string {
    return `http://${LOOPBACK}:${this.httpPort}`;
  }

  /** notifications.localWebhookUrl: the dev receivers post to <this><receiver-name>. */
  get webhookBaseUrl(): string {
    return `${this.base}/webhook/`;
  }

  /** notifications.pagerduty.url: the Events API v2 endpoint. */
  get pagerdutyUrl(): string {
    return `${this.base}/pagerduty/v2/enqueue`;
  }

  slackWebhookUrl(id: TeamId): string {
    return `${this.base}/slack/${id}`;
  }

  get smarthost(): string {
    return `${LOOPBACK}:${this.smtpPort}`;
  }

  /** Resolves once predicate holds for the notifications so far; rejects after timeoutMs. */
  async waitFor(what: string, predicate: (all: Notification[]) => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.notifications)) {
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received:\n${this.notifications.map((n) => `  ${n.channel} ${n.status} ${n.summary}`).join("\n") || "  (nothing)"}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async stop(): Promise<void> {
    await Promise.all([closeServer(this.http), new Promise<void>((r) => this.smtp.close(() => r()))]);
  }

  private record(received: Omit<Notification, "receivedAt">): void {
    const n = { ...received, receivedAt: Date.now() };
    this.notifications.push(n);
    this.options.onNotification?.(n);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const [kind, ...rest] = (req.url ?? "").split("?")[0].split("/").filter(Boolean);
      if (req.method !== "POST") return reply(res, 405, "POST only");
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return reply(res, 400, "body is not JSON");
      }
      if (kind === "webhook" && rest.length === 1) return this.webhook(rest[0], json, body, res);
      if (kind === "pagerduty" && rest.join("/") === "v2/enqueue") return this.pagerduty(json, body, res);
      if (kind === "slack" && rest.length === 1 && rest[0] in this.options.slackChannels) return this.slack(rest[0], json, body, res);
      reply(res, 404, "unknown receiver path");
    });
  }

  /** Alertmanager's webhook payload: {receiver, status, groupKey, alerts: [{labels, fingerprint, status, ...}]}. */
  private webhook(receiver: string, json: Record<string, unknown>, body: string, res: http.ServerResponse): void {
    const alerts = (json.alerts ?? []) as { status: string; fingerprint?: string; labels: Record<string, string> }[];
    const names = [...new Set(alerts.map((a) => describe(a.labels)))].join(", ");
    const identity = `${String(json.groupKey)} ${alerts.map((a) => `${a.fingerprint}:${a.status}`).sort().join(",")}`;
    this.record({ channel: this.options.receiverChannels[receiver] ?? `webhook ${receiver}`, status: json.status === "resolved" ? "resolved" : "firing", summary: names, body, identity });
    reply(res, 200, "ok");
  }

  /** Events API v2: 202 with a dedup key, 400 for a wrong routing key (as PagerDuty does). */
  private pagerduty(json: Record<string, unknown>, body: string, res: http.ServerResponse): void {
    if (this.options.pagerdutyKey !== undefined && json.routing_key !== this.options.pagerdutyKey) {
      return reply(res, 400, JSON.stringify({ status: "invalid event", message: "Event object is invalid", errors: ["Invalid routing key"] }));
    }
    const payload = (json.payload ?? {}) as { summary?: string; custom_details?: unknown };
    const identity = `${String(json.dedup_key)} ${String(json.event_action)} ${JSON.stringify(payload.custom_details ?? null)}`;
    this.record({ channel: "pagerduty", status: json.event_action === "resolve" ? "resolved" : "firing", summary: payload.summary ?? String(json.dedup_key), body, identity });
    reply(res, 202, JSON.stringify({ status: "success", message: "Event processed", dedup_key: json.dedup_key }));
  }

  /** Slack incoming webhook: answers `ok`. */
  private slack(id: string, json: Record<string, unknown>, body: string, res: http.ServerResponse): void {
    const attachments = (json.attachments ?? []) as { title?: string; fallback?: string; text?: string }[];
    const title = attachments[0]?.title ?? attachments[0]?.fallback ?? String(json.text ?? "");
    // Title and text: the links Alertmanager adds name the peer that sent.
    this.record({ channel: `slack ${this.options.slackChannels[id]}`, status: statusOfText(title), summary: title, body, identity: `${title}\n${attachments[0]?.text ?? ""}` });
    reply(res, 200, "ok");
  }
}

function reply(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/plain" }).end(body);
}

const describe = (labels: Record<string, string>): string =>
  [labels.alertname, labels.service && `service=${labels.service}`, labels.slo && `slo=${labels.slo}`, labels.severity && `severity=${labels.severity}`].filter(Boolean).join(" ");

/** Subjects may be RFC 2047 encoded (=?UTF-8?q?...?=); decode for printing. */
function decodeMimeWords(text: string): string {
  return text.replace(/=\?([^?]+)\?([qQbB])\?([^?]*)\?=/g, (_, _charset: string, enc: string, data: string) =>
    enc.toLowerCase() === "b"
      ? Buffer.from(data, "base64").toString("utf8")
      : Buffer.from(data.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8"),
  );
}
