// Reads one SNS record into a notification: a CloudWatch alarm state change, or an Alertmanager
// notification in the stack's format (AMP's Alertmanager), when the message is one; otherwise the
// message as sent (subject and body), so that nothing we cannot interpret is dropped. A record
// without an SNS message at all cannot be forwarded and is rejected.
import { AlertGroup, CutGroup, looksLikeAlertGroup, readAlertGroup, readCutGroup } from "./alertmanager";
import { isObject, type Json } from "./json";
import { quoted } from "./text";
import { regionOf } from "./region";

export const ALARM_STATES = ["ALARM", "OK", "INSUFFICIENT_DATA"] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

export interface Dimension {
  name: string;
  value: string;
}

export interface MetricRef {
  /** The metric-math id (`m1`); absent for a single-metric alarm. */
  id?: string;
  namespace: string;
  name: string;
  dimensions: Dimension[];
  stat?: string;
  period?: number;
}

export interface MathExpression {
  id: string;
  expression: string;
  label?: string;
}

export interface Threshold {
  operator: string;
  value?: number;
  /** Anomaly-detection alarms compare against a band (this metric id) instead of a value. */
  bandId?: string;
  evaluationPeriods?: number;
  datapointsToAlarm?: number;
  period?: number;
}

export interface Alarm {
  name: string;
  arn: string;
  description?: string;
  accountId?: string;
  state: AlarmState;
  previousState?: string;
  reason: string;
  /** ISO 8601 (UTC) time of the state change, when CloudWatch gave a readable one. */
  changedAt?: string;
  /** Region code (`us-east-1`) from the alarm ARN or the Region display name. */
  region?: string;
  /** The Region field as CloudWatch wrote it (`US East (N. Virginia)`). */
  regionName?: string;
  metrics: MetricRef[];
  /** The expression whose result the alarm evaluates (metric-math alarms). */
  expression?: MathExpression;
  threshold?: Threshold;
}

interface SnsEnvelope {
  messageId: string;
  topicArn: string;
  subject?: string;
  timestamp?: string;
}

export type Notification =
  | (SnsEnvelope & { kind: "alarm"; alarm: Alarm })
  | (SnsEnvelope & { kind: "alertmanager"; group: AlertGroup })
  | (SnsEnvelope & {
      kind: "message";
      body: string;
      /** What the message looked like (`a CloudWatch alarm`), when it could not be read as one. */
      lookedLike?: string;
      /** Why it could not be read as what it looked like (empty for plain messages). */
      problems: string[];
      /** An Alertmanager group cut to SNS's limit: its status and key, from the message's head. */
      cutGroup?: CutGroup;
    });

/** A record that carries no SNS message: there is nothing to forward. */
export class InvalidRecordError extends Error {
  override name = "InvalidRecordError";
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

export function parseRecord(record: unknown): Notification {
  const sns = isObject(record) ? record.Sns : undefined;
  if (!isObject(sns)) throw new InvalidRecordError("record has no Sns object");
  const problems = [
    typeof sns.Message !== "string" && "Sns.Message is not a string",
    !str(sns.MessageId) && "Sns.MessageId is missing",
    !str(sns.TopicArn) && "Sns.TopicArn is missing",
  ].filter((p): p is string => typeof p === "string");
  if (problems.length > 0) throw new InvalidRecordError(problems.join("; "));
  const envelope: SnsEnvelope = {
    messageId: sns.MessageId as string,
    topicArn: sns.TopicArn as string,
    subject: str(sns.Subject),
    timestamp: str(sns.Timestamp),
  };
  const body = sns.Message as string;
  const message = parseJson(body);
  if (isObject(message) && looksLikeAlertGroup(message)) {
    const group = readAlertGroup(message);
    return Array.isArray(group) ? { ...envelope, kind: "message", body, lookedLike: "an Alertmanager notification", problems: group } : { ...envelope, kind: "alertmanager", group };
  }
  if (isObject(message) && looksLikeAlarm(message)) {
    const alarm = readAlarm(message);
    return Array.isArray(alarm) ? { ...envelope, kind: "message", body, lookedLike: "a CloudWatch alarm", problems: alarm } : { ...envelope, kind: "alarm", alarm };
  }
  // Alertmanager cuts a message over SNS's 256 KB limit (attribute `truncated`): no longer JSON,
  // it is forwarded as it is, saying so.
  const truncated = isObject(sns.MessageAttributes) && isObject(sns.MessageAttributes.truncated);
  if (!truncated) return { ...envelope, kind: "message", body, problems: [] };
  const cutGroup = readCutGroup(body);
  return { ...envelope, kind: "message", body, lookedLike: "an Alertmanager notification", problems: ["Alertmanager cut the message to fit SNS's 256 KB limit"], ...(cutGroup ? { cutGroup } : {}) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const looksLikeAlarm = (m: Json): boolean => "AlarmName" in m || "NewStateValue" in m || "AlarmArn" in m;

/** The alarm, or the list of reasons it cannot be read as one. */
function readAlarm(m: Json): Alarm | string[] {
  const name = str(m.AlarmName);
  const arn = str(m.AlarmArn);
  const state = ALARM_STATES.find((s) => s === m.NewStateValue);
  const problems = [
    !name && "AlarmName is missing",
    !arn?.startsWith("arn:") && `AlarmArn ${quoted(m.AlarmArn)} is not an ARN`,
    !state && `NewStateValue ${quoted(m.NewStateValue)} is not one of ${ALARM_STATES.join(", ")}`,
  ].filter((p): p is string => typeof p === "string");
  if (!name || !arn?.startsWith("arn:") || !state) return problems;
  const trigger = isObject(m.Trigger) ? m.Trigger : {};
  const { metrics, expression } = readMetrics(trigger);
  return {
    name,
    arn,
    description: str(m.AlarmDescription),
    accountId: str(m.AWSAccountId),
    state,
    previousState: str(m.OldStateValue),
    reason: str(m.NewStateReason) ?? "(no reason given)",
    changedAt: isoTime(m.StateChangeTime),
    region: regionOf(arn, str(m.Region)),
    regionName: str(m.Region),
    metrics,
    expression,
    threshold: readThreshold(trigger),
  };
}

function readDimensions(v: unknown): Dimension[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isObject).flatMap((d) => {
    const name = str(d.name) ?? str(d.Name);
    const value = str(d.value) ?? str(d.Value);
    return name && value ? [{ name, value }] : [];
  });
}

function readMetrics(t: Json): { metrics: MetricRef[]; expression?: MathExpression } {
  const single = str(t.MetricName);
  if (single) {
    const metric: MetricRef = {
      namespace: str(t.Namespace) ?? "",
      name: single,
      dimensions: readDimensions(t.Dimensions),
      stat: str(t.Statistic) ?? str(t.ExtendedStatistic),
      period: num(t.Period),
    };
    return { metrics: [metric] };
  }
  const entries = Array.isArray(t.Metrics) ? t.Metrics.filter(isObject) : [];
  const metrics = entries.flatMap((e): MetricRef[] => {
    const stat = isObject(e.MetricStat) ? e.MetricStat : undefined;
    const metric = stat && isObject(stat.Metric) ? stat.Metric : undefined;
    const name = metric && str(metric.MetricName);
    if (!stat || !metric || !name) return [];
    return [{ id: str(e.Id), namespace: str(metric.Namespace) ?? "", name, dimensions: readDimensions(metric.Dimensions), stat: str(stat.Stat), period: num(stat.Period) }];
  });
  const returned = entries.find((e) => str(e.Expression) && e.ReturnData !== false) ?? entries.find((e) => str(e.Expression));
  const expression = returned ? { id: str(returned.Id) ?? "", expression: returned.Expression as string, label: str(returned.Label) } : undefined;
  return { metrics, expression };
}

function readThreshold(t: Json): Threshold | undefined {
  const operator = str(t.ComparisonOperator);
  if (!operator) return undefined;
  return {
    operator,
    value: num(t.Threshold),
    bandId: str(t.ThresholdMetricId),
    evaluationPeriods: num(t.EvaluationPeriods),
    datapointsToAlarm: num(t.DatapointsToAlarm),
    period: num(t.Period),
  };
}

/** CloudWatch writes `2015-06-03T17:43:27.123+0000`; the offset needs a colon to be ISO 8601. */
function isoTime(v: unknown): string | undefined {
  const text = str(v)?.replace(/([+-]\d\d)(\d\d)$/, "$1:$2");
  const ms = text ? Date.parse(text) : NaN;
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
