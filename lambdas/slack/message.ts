// CloudWatch or Alertmanager notification → Slack Block Kit message with a plain-text fallback.
// Every text is escaped for mrkdwn and cut to Slack's limits (header 150, section 3000, field 2000).
import { Alarm, AlarmState, Notification } from "../shared/alarm";
import { AlertGroup, groupText, groupTitle, runbooks } from "../shared/alertmanager";
import { metricText, thresholdText } from "../shared/describe";
import { consoleUrl } from "../shared/region";
import { firstLine, truncate } from "../shared/text";

export const HEADER_MAX = 150;
export const SECTION_TEXT_MAX = 3000;
export const FIELD_TEXT_MAX = 2000;
/** The notification preview; Slack accepts more, but nobody reads a 40 000-character toast. */
export const FALLBACK_MAX = 3000;

type Text = { type: "mrkdwn"; text: string } | { type: "plain_text"; text: string; emoji: true };
export type Block =
  | { type: "header"; text: Text & { type: "plain_text" } }
  | { type: "section"; text?: Text; fields?: Text[] }
  | { type: "context"; elements: Text[] };

export interface SlackMessage {
  text: string;
  blocks: Block[];
}

const LOOK: Record<AlarmState, { emoji: string; title: string }> = {
  ALARM: { emoji: ":rotating_light:", title: "ALARM" },
  OK: { emoji: ":white_check_mark:", title: "Resolved" },
  INSUFFICIENT_DATA: { emoji: ":grey_question:", title: "Insufficient data" },
};

const escape = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Escaped mrkdwn of at most `max` characters; a cut never leaves half an entity behind. */
export function mrkdwn(raw: string, max: number): string {
  const escaped = escape(raw);
  return escaped.length <= max ? escaped : truncate(escaped, max).replace(/&[a-z]*…$/, "…");
}

const md = (text: string): Text => ({ type: "mrkdwn", text });
const header = (text: string): Block => ({ type: "header", text: { type: "plain_text", text: truncate(text, HEADER_MAX), emoji: true } });
const labelled = (label: string, value: string, max: number): string => `*${label}*\n${mrkdwn(value, max - label.length - 3)}`;

export function slackMessage(n: Notification): SlackMessage {
  switch (n.kind) {
    case "alarm":
      return alarmMessage(n.alarm, n.topicArn);
    case "alertmanager":
      return alertGroupMessage(n.group, n.topicArn);
    case "message":
      return plainMessage(n);
  }
}

function regionText(a: Alarm): string | undefined {
  if (a.region && a.regionName && a.regionName !== a.region) return `${a.region} (${a.regionName})`;
  return a.region ?? a.regionName;
}

function alarmMessage(a: Alarm, topicArn: string): SlackMessage {
  const look = LOOK[a.state];
  const url = a.region ? consoleUrl(a.region, a.name) : undefined;
  const facts: [string, string | undefined][] = [
    ["State", a.previousState ? `${a.previousState} → ${a.state}` : a.state],
    ["Metric", metricText(a)],
    ["Threshold", thresholdText(a)],
    ["Region", regionText(a)],
    ["Account", a.accountId],
    ["Changed at", a.changedAt],
  ];
  const blocks: Block[] = [
    header(`${look.emoji} ${look.title}: ${a.name}`),
    { type: "section", text: md(labelled("Reason", a.reason, SECTION_TEXT_MAX)) },
    ...(a.description ? [{ type: "section", text: md(labelled("Description", a.description, SECTION_TEXT_MAX)) } as const] : []),
    { type: "section", fields: facts.flatMap(([label, value]) => (value ? [md(labelled(label, value, FIELD_TEXT_MAX))] : [])) },
    { type: "context", elements: [...(url ? [md(`<${url}|Open in the CloudWatch console>`)] : []), md(mrkdwn(`Topic: ${topicArn}`, SECTION_TEXT_MAX))] },
  ];
  return { text: mrkdwn(`${look.emoji} ${look.title}: ${a.name}: ${a.reason}`, FALLBACK_MAX), blocks };
}

/**
 * A link Slack renders as <url|text>, from an http(s) URL that parses only, with every character
 * that could end the link or start a mention (`|`, `<`, `>`) percent-encoded and `&` escaped:
 * a runbook_url of `x|<!channel>` stays one inert link.
 */
export function slackLink(url: string, text: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const u = new URL(url);
  if (u.protocol !== "https:" && u.protocol !== "http:") return undefined;
  const href = u.href.replace(/\|/g, "%7C").replace(/</g, "%3C").replace(/>/g, "%3E").replace(/&/g, "&amp;");
  return `<${href}|${escape(text)}>`;
}

/** Links joined with " · " up to `max` characters; the ones that do not fit are counted instead. */
export function linkLine(links: string[], max: number): string {
  const shown: string[] = [];
  for (const [i, l] of links.entries()) {
    const rest = links.length - i - 1;
    const tail = rest > 0 ? ` · and ${rest} more` : "";
    if ([...shown, l].join(" · ").length + tail.length > max) {
      return `${shown.join(" · ")}${shown.length > 0 ? " · " : ""}and ${links.length - shown.length} more`;
    }
    shown.push(l);
  }
  return shown.join(" · ");
}

/** What the stack's Alertmanager posts to Slack (title, then the alerts), with links to the runbooks and Alertmanager. */
function alertGroupMessage(g: AlertGroup, topicArn: string): SlackMessage {
  const title = groupTitle(g);
  const links = [...runbooks(g).map((url) => slackLink(url, "Runbook")), slackLink(g.externalURL, "Alertmanager")].filter((l): l is string => l !== undefined);
  const blocks: Block[] = [
    header(`${g.status === "firing" ? LOOK.ALARM.emoji : LOOK.OK.emoji} ${title}`),
    { type: "section", text: md(mrkdwn(groupText(g), SECTION_TEXT_MAX)) },
    { type: "context", elements: [...(links.length > 0 ? [md(linkLine(links, SECTION_TEXT_MAX))] : []), md(mrkdwn(`Topic: ${topicArn}`, SECTION_TEXT_MAX))] },
  ];
  return { text: mrkdwn(`${title}${g.commonAnnotations.summary ? `: ${g.commonAnnotations.summary}` : ""}`, FALLBACK_MAX), blocks };
}

function plainMessage(n: Extract<Notification, { kind: "message" }>): SlackMessage {
  const title = n.subject ?? "SNS notification";
  const context = [
    ...(n.problems.length > 0 ? [md(mrkdwn(`Not readable as ${n.lookedLike ?? "a notification"}: ${n.problems.join("; ")}`, SECTION_TEXT_MAX))] : []),
    md(mrkdwn(`Topic: ${n.topicArn}`, SECTION_TEXT_MAX)),
  ];
  const blocks: Block[] = [
    header(`:loudspeaker: ${title}`),
    { type: "section", text: md(mrkdwn(n.body || "(empty message)", SECTION_TEXT_MAX)) },
    { type: "context", elements: context },
  ];
  return { text: mrkdwn(`${title}: ${firstLine(n.body)}`, FALLBACK_MAX), blocks };
}
