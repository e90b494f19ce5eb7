// CloudWatch or Alertmanager notification → PagerDuty Events API v2 event. ALARM triggers and OK
// resolves the incident keyed by the alarm ARN; INSUFFICIENT_DATA pages nobody (see README
// "Forwarder Lambdas"); an Alertmanager group triggers while it fires and resolves once all its
// alerts have, keyed by the group; any other SNS message triggers an incident keyed by its SNS
// message id.
import { createHash } from "node:crypto";
import { PAGERDUTY_SEVERITIES, PagerDutySeverity } from "../contract";
import { Alarm, Notification } from "../shared/alarm";
import { AlertGroup, groupKey, groupText, groupTitle, runbooks, startedAt } from "../shared/alertmanager";
import { metricNamesText, metricText, namespacesText, resourcesText, thresholdText } from "../shared/describe";
import { consoleUrl } from "../shared/region";
import { firstLine, truncate } from "../shared/text";

export const SUMMARY_MAX = 1024;
export const DEDUP_KEY_MAX = 255;
/** Kept well under the API's 512 KB event limit. */
const MESSAGE_MAX = 16_000;

export interface PagerDutyEvent {
  routing_key: string;
  event_action: "trigger" | "acknowledge" | "resolve";
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: PagerDutySeverity;
    timestamp?: string;
    component?: string;
    group?: string;
    class?: string;
    custom_details?: Record<string, unknown>;
  };
  client?: string;
  client_url?: string;
  links?: { href: string; text: string }[];
}

/** The event without its routing key, which the caller adds once it has read the secret. */
export type UnroutedEvent = Omit<PagerDutyEvent, "routing_key">;
export type PagerDutyAction = { event: UnroutedEvent } | { skip: string };

/** The alarm ARN, or (when longer than PagerDuty allows) its head and a hash of the whole. */
export function dedupKey(id: string): string {
  if (id.length <= DEDUP_KEY_MAX) return id;
  const hash = createHash("sha256").update(id).digest("hex");
  return `${id.slice(0, DEDUP_KEY_MAX - hash.length - 1)}#${hash}`;
}

export function pagerDutyAction(n: Notification, severity: PagerDutySeverity): PagerDutyAction {
  if (n.kind === "message") return { event: messageEvent(n, severity) };
  if (n.kind === "alertmanager") return { event: alertGroupEvent(n.group, n.topicArn, severity) };
  const { alarm } = n;
  switch (alarm.state) {
    case "OK":
      return { event: { event_action: "resolve", dedup_key: dedupKey(alarm.arn) } };
    case "INSUFFICIENT_DATA":
      return { skip: "INSUFFICIENT_DATA is not paged and does not resolve: missing data is neither a failure nor a recovery" };
    case "ALARM":
      return { event: alarmEvent(alarm, n.topicArn, severity) };
  }
}

function alarmEvent(a: Alarm, topicArn: string, severity: PagerDutySeverity): UnroutedEvent {
  const url = a.region ? consoleUrl(a.region, a.name) : undefined;
  const where = [a.accountId, a.region ?? a.regionName].filter(Boolean).join("/");
  return {
    event_action: "trigger",
    dedup_key: dedupKey(a.arn),
    payload: {
      summary: truncate(`${a.state}: ${a.name}: ${a.reason}`, SUMMARY_MAX),
      source: resourcesText(a) ?? (where || a.arn),
      severity,
      timestamp: a.changedAt,
      component: namespacesText(a),
      group: where || undefined,
      class: metricNamesText(a),
      custom_details: {
        alarm: a.name,
        description: a.description,
        state: a.previousState ? `${a.previousState} -> ${a.state}` : a.state,
        reason: a.reason,
        metric: metricText(a),
        threshold: thresholdText(a),
        account: a.accountId,
        region: a.region ?? a.regionName,
        alarm_arn: a.arn,
        topic: topicArn,
      },
    },
    client: "AWS CloudWatch",
    client_url: url,
    links: url ? [{ href: url, text: `CloudWatch alarm ${a.name}` }] : undefined,
  };
}

/**
 * What the stack's Alertmanager sends PagerDuty, for a group AMP's Alertmanager published. The
 * alerts' own severity, as the stack's Alertmanager pages with; the topic's when they have none.
 */
function alertGroupEvent(g: AlertGroup, topicArn: string, topicSeverity: PagerDutySeverity): UnroutedEvent {
  const dedup_key = dedupKey(groupKey(g));
  if (g.status === "resolved") return { event_action: "resolve", dedup_key };
  const c = g.commonLabels;
  const severity = PAGERDUTY_SEVERITIES.find((s) => s === c.severity) ?? topicSeverity;
  const links = runbooks(g).map((href) => ({ href, text: "Runbook" }));
  return {
    event_action: "trigger",
    dedup_key,
    payload: {
      summary: truncate(`${groupTitle(g)}${g.commonAnnotations.summary ? `: ${g.commonAnnotations.summary}` : ""}`, SUMMARY_MAX),
      source: c.service ?? c.instance ?? g.externalURL,
      severity,
      timestamp: startedAt(g),
      component: c.service ? `${c.service}${c.slo ? ` (SLO ${c.slo})` : ""}` : undefined,
      group: c.plane,
      class: c.category,
      custom_details: {
        alerts: truncate(groupText(g), MESSAGE_MAX),
        num_firing: g.alerts.filter((a) => a.status === "firing").length,
        num_resolved: g.alerts.filter((a) => a.status === "resolved").length,
        labels: c,
        topic: topicArn,
      },
    },
    client: "Alertmanager (Amazon Managed Service for Prometheus)",
    client_url: URL.canParse(g.externalURL) ? g.externalURL : undefined,
    links: links.length > 0 ? links : undefined,
  };
}

function messageEvent(n: Extract<Notification, { kind: "message" }>, severity: PagerDutySeverity): UnroutedEvent {
  const title = n.subject ?? (firstLine(n.body) || "SNS notification");
  // A cut Alertmanager group keeps its group's incident: every repeat updates it, and its resolve resolves it.
  const dedup_key = dedupKey(n.cutGroup ? n.cutGroup.key : `sns:${n.messageId}`);
  if (n.cutGroup?.status === "resolved") return { event_action: "resolve", dedup_key };
  return {
    event_action: "trigger",
    dedup_key,
    payload: {
      summary: truncate(title, SUMMARY_MAX),
      source: n.topicArn,
      severity,
      timestamp: n.timestamp,
      custom_details: {
        subject: n.subject,
        message: truncate(n.body, MESSAGE_MAX),
        topic: n.topicArn,
        problems: n.problems.length > 0 ? n.problems : undefined,
      },
    },
  };
}
