// Reads the JSON document the stack's SNS template makes of one Alertmanager notification (AMP's
// Alertmanager publishes it; monitoring/amp/message.ts writes it), and says it in the words of the
// stack's own Alertmanager templates (monitoring/alertmanager/templates.ts): the title
// `[FIRING:2] HighLatency cns-service (app plane), SLO p99`, then one block per alert.
import { ALERTMANAGER_MESSAGE_VERSION, type AlertmanagerMessage } from "../contract";
import { isObject, type Json } from "./json";
import { quoted } from "./text";

export type AlertGroup = AlertmanagerMessage;
export type GroupAlert = AlertGroup["alerts"][number];

const STATUSES = ["firing", "resolved"] as const;
const isStatus = (v: unknown): v is AlertGroup["status"] => STATUSES.includes(v as AlertGroup["status"]);
const isLabels = (v: unknown): v is Record<string, string> => isObject(v) && Object.values(v).every((x) => typeof x === "string");

/** A document of ours: it names its format (possibly a later version, which is then refused). */
export const looksLikeAlertGroup = (m: Json): boolean => typeof m.version === "string" && m.version.startsWith("ananta.alertmanager/");

/** The alert group, or the reasons the document cannot be read as one. */
export function readAlertGroup(m: Json): AlertGroup | string[] {
  const problems: string[] = [];
  if (m.version !== ALERTMANAGER_MESSAGE_VERSION) problems.push(`version ${quoted(m.version)} is not ${ALERTMANAGER_MESSAGE_VERSION}`);
  if (!isStatus(m.status)) problems.push(`status ${quoted(m.status)} is not firing or resolved`);
  for (const field of ["receiver", "externalURL"]) if (typeof m[field] !== "string") problems.push(`${field} is not a string`);
  for (const field of ["groupLabels", "commonLabels", "commonAnnotations"]) if (!isLabels(m[field])) problems.push(`${field} is not an object of strings`);
  if (!Array.isArray(m.alerts) || m.alerts.length === 0) problems.push("alerts is not a list of alerts");
  else {
    m.alerts.forEach((a: unknown, i) => {
      const alert = isObject(a) ? a : {};
      const bad = [
        !isStatus(alert.status) && "status",
        !isLabels(alert.labels) && "labels",
        !isLabels(alert.annotations) && "annotations",
        ...["startsAt", "endsAt", "generatorURL", "fingerprint"].filter((f) => typeof alert[f] !== "string"),
      ].filter((f): f is string => typeof f === "string");
      if (bad.length > 0) problems.push(`alerts[${i}] lacks a readable ${bad.join(", ")}`);
    });
  }
  return problems.length > 0 ? problems : (m as unknown as AlertGroup);
}

/** Labels as Prometheus writes a series' labels: `{alertname="ServiceDown", service="cns-service"}`. */
const labelSet = (labels: Record<string, string>): string =>
  `{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(", ")}}`;

/** Names the alert group: the same for its firing and its resolved notifications, distinct per workspace and group. */
export const groupKey = (g: Pick<AlertGroup, "externalURL" | "groupLabels">): string => `alertmanager:${g.externalURL}:${labelSet(g.groupLabels)}`;

const firing = (g: AlertGroup) => g.alerts.filter((a) => a.status === "firing");
const resolved = (g: AlertGroup) => g.alerts.filter((a) => a.status === "resolved");

/** `[FIRING:2] HighLatency cns-service (app plane), SLO p99`, as the stack's `ananta.title` template. */
export function groupTitle(g: AlertGroup): string {
  const c = g.commonLabels;
  return (
    `[${g.status.toUpperCase()}${g.status === "firing" ? `:${firing(g).length}` : ""}] ${c.alertname ?? "(alerts)"}` +
    `${c.service ? ` ${c.service}` : ""}${c.plane ? ` (${c.plane} plane)` : ""}${c.slo ? `, SLO ${c.slo}` : ""}`
  );
}

/** One alert, as the stack's `ananta.alert.text` template: what, where, which SLO, labels, when, runbook. */
export function alertText(a: GroupAlert): string {
  const l = a.labels;
  const lines = [
    `${l.alertname ?? "(alert)"} [${l.severity ?? "none"}]${l.service ? ` on ${l.service}` : ""}${l.slo ? `, SLO ${l.slo}` : ""}`,
    ...(a.annotations.summary ? [`  ${a.annotations.summary}`] : []),
    ...(a.annotations.description ? [`  ${a.annotations.description}`] : []),
    `  Labels: ${Object.keys(l)
      .sort()
      .map((k) => `${k}=${l[k]}`)
      .join(" ")}`,
    `  Started: ${a.startsAt}${a.status === "resolved" ? `, resolved: ${a.endsAt}` : ""}`,
    ...(a.annotations.runbook_url ? [`  Runbook: ${a.annotations.runbook_url}`] : []),
  ];
  return lines.join("\n");
}

/** The group's alerts, firing first, as the stack's `ananta.alerts.text` template. */
export function groupText(g: AlertGroup): string {
  const block = (title: string, alerts: GroupAlert[]) => (alerts.length > 0 ? [`${title} (${alerts.length}):`, ...alerts.map(alertText)] : []);
  return [...block("Firing", firing(g)), ...block("Resolved", resolved(g))].join("\n");
}

/** The runbooks of the group's alerts, once each. */
export const runbooks = (g: AlertGroup): string[] => [...new Set(g.alerts.flatMap((a) => (a.annotations.runbook_url ? [a.annotations.runbook_url] : [])))];

/** When the group started firing: its earliest alert. */
export const startedAt = (g: AlertGroup): string | undefined => g.alerts.map((a) => a.startsAt).sort()[0];

/** A group cut short: what its head still says (status and key), enough to page and resolve the right incident. */
export interface CutGroup {
  status: AlertGroup["status"];
  key: string;
}

const JSON_STRING = String.raw`"(?:[^"\\]|\\.)*"`;
const CUT_HEAD = new RegExp(
  String.raw`^\{"version":"${ALERTMANAGER_MESSAGE_VERSION.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}","status":"(firing|resolved)","receiver":${JSON_STRING},"externalURL":(${JSON_STRING}),` +
    String.raw`"groupLabels":(\{(?:${JSON_STRING}:${JSON_STRING}(?:,${JSON_STRING}:${JSON_STRING})*)?\})`,
);

/**
 * The head of a message Alertmanager cut to SNS's 256 KB: the SNS template writes status,
 * externalURL and groupLabels first, so a cut message still names its group.
 */
export function readCutGroup(body: string): CutGroup | undefined {
  const m = CUT_HEAD.exec(body);
  if (!m) return undefined;
  try {
    const externalURL = JSON.parse(m[2]) as string;
    const groupLabels = JSON.parse(m[3]) as Record<string, string>;
    return { status: m[1] as AlertGroup["status"], key: groupKey({ externalURL, groupLabels }) };
  } catch {
    return undefined;
  }
}
