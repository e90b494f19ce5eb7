// CloudWatch alarm definitions as plain data: per RDS instance CPU, free storage and
// connections; per ElastiCache (Redis) cluster CPU, memory and evictions; per ECS service CPU
// and memory; per forwarder Lambda errors and dead letters. Field names follow the
// aws.cloudwatch.MetricAlarm arguments, so the components pass them through unchanged.
import type { Forwarder } from "../../lambdas/contract";
import type { Plane, Settings, TopicId } from "../../settings";
import { runbookUrl } from "../conventions";
import { namePrefix } from "../layout";
import { forwarderNames, healthTopic } from "./forwarders";

type Thresholds = Settings["aws"]["thresholds"];
type Comparison = "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
type MissingData = "missing" | "notBreaching" | "breaching" | "ignore";
export type AlarmSeverity = "critical" | "warning";


export interface MetricAlarmSpec {
  name: string;
  alarmDescription: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  statistic: "Average" | "Sum" | "Minimum" | "Maximum";
  period: number;
  evaluationPeriods: number;
  threshold: number;
  comparisonOperator: Comparison;
  treatMissingData: MissingData;
}

export interface AlarmSpec {
  /** The alarm kind, which is also its runbook page: docs/runbooks/<kind>.md. */
  kind: string;
  /** The topic its alarm and OK notifications go to (aws.alarmTopics by severity). */
  topic: TopicId;
  alarm: MetricAlarmSpec;
}

interface Kind {
  kind: string;
  suffix: string;
  severity: AlarmSeverity;
  metricName: string;
  statistic: MetricAlarmSpec["statistic"];
  comparisonOperator: Comparison;
  threshold: (t: Thresholds) => number;
  /** Sparse metrics (counts) report nothing when nothing happens: that is not a problem. */
  treatMissingData: MissingData;
  summary: (subject: string, threshold: number) => string;
}

const GiB = 1024 ** 3;
const size = (bytes: number) => (bytes >= GiB ? `${+(bytes / GiB).toFixed(2)} GiB` : `${bytes} bytes`);

// Utilisation is judged over two 5-minute periods, so one busy spike does not page.
const INVENTORY_PERIOD = 300;
const INVENTORY_EVALUATION_PERIODS = 2;

const RDS: Kind[] = [
  { kind: "RdsCpuHigh", suffix: "cpu-high", severity: "warning", metricName: "CPUUtilization", statistic: "Average", comparisonOperator: "GreaterThanThreshold", threshold: (t) => t.rdsCpuPercent, treatMissingData: "missing", summary: (s, x) => `RDS instance ${s} CPU above ${x}%` },
  { kind: "RdsFreeStorageLow", suffix: "free-storage-low", severity: "critical", metricName: "FreeStorageSpace", statistic: "Minimum", comparisonOperator: "LessThanThreshold", threshold: (t) => t.rdsFreeStorageBytes, treatMissingData: "missing", summary: (s, x) => `RDS instance ${s} free storage below ${size(x)}` },
  { kind: "RdsConnectionsHigh", suffix: "connections-high", severity: "critical", metricName: "DatabaseConnections", statistic: "Average", comparisonOperator: "GreaterThanThreshold", threshold: (t) => t.rdsConnections, treatMissingData: "missing", summary: (s, x) => `RDS instance ${s} has more than ${x} connections` },
];

// Redis runs commands on one thread: EngineCPUUtilization shows its saturation, host CPU does not.
const CACHE: Kind[] = [
  { kind: "CacheCpuHigh", suffix: "cpu-high", severity: "warning", metricName: "EngineCPUUtilization", statistic: "Average", comparisonOperator: "GreaterThanThreshold", threshold: (t) => t.cacheCpuPercent, treatMissingData: "missing", summary: (s, x) => `ElastiCache cluster ${s} engine CPU above ${x}%` },
  { kind: "CacheMemoryHigh", suffix: "memory-high", severity: "critical", metricName: "DatabaseMemoryUsagePercentage", statistic: "Average", comparisonOperator: "GreaterThanThreshold", threshold: (t) => t.cacheMemoryPercent, treatMissingData: "missing", summary: (s, x) => `ElastiCache cluster ${s} memory above ${x}%` },
  { kind: "CacheEvictionsHigh", suffix: "evictions-high", severity: "warning", metricName: "Evictions", statistic: "Sum", comparisonOperator: "GreaterThanThreshold", threshold: (t) => t.cacheEvictions, treatMissingData: "notBreaching", summary: (s, x) => `ElastiCache cluster ${s} evicted more than ${x} keys in 5 minutes` },
];

const ECS: Kind[] = [
  { kind: "EcsCpuHigh", suffix: "cpu-high", severity: "warning", metricName: "CPUUtilization", statistic: "Average", comparisonOperator: "GreaterThanThreshold", threshold: (t) => t.ecsCpuPercent, treatMissingData: "missing", summary: (s, x) => `ECS service ${s} CPU above ${x}%` },
  { kind: "EcsMemoryHigh", suffix: "memory-high", severity: "warning", metricName: "MemoryUtilization", statistic: "Average", comparisonOperator: "GreaterThanThreshold", threshold: (t) => t.ecsMemoryPercent, treatMissingData: "missing", summary: (s, x) => `ECS service ${s} memory above ${x}%` },
];

interface Subject {
  /** Names the alarm: <prefix>-<name>-<suffix>, as in the reference. */
  name: string;
  plane: Plane;
  namespace: string;
  dimensions: Record<string, string>;
}

const description = (settings: Settings, summary: string, plane: Plane | undefined, kind: string) =>
  `${summary}${plane ? ` (${plane} plane)` : ""}. Runbook: ${runbookUrl(settings, kind)}`;

function inventoryAlarm(settings: Settings, subject: Subject, k: Kind): AlarmSpec {
  const threshold = k.threshold(settings.aws.thresholds);
  return {
    kind: k.kind,
    topic: settings.aws.alarmTopics[k.severity],
    alarm: {
      name: `${namePrefix(settings)}-${subject.name}-${k.suffix}`,
      alarmDescription: description(settings, k.summary(subject.name, threshold), subject.plane, k.kind),
      namespace: subject.namespace,
      metricName: k.metricName,
      dimensions: subject.dimensions,
      statistic: k.statistic,
      period: INVENTORY_PERIOD,
      evaluationPeriods: INVENTORY_EVALUATION_PERIODS,
      threshold,
      comparisonOperator: k.comparisonOperator,
      treatMissingData: k.treatMissingData,
    },
  };
}

/** The alarms on the AWS inventory of settings.aws: 3 per database and cache, 2 per ECS service. */
export function inventoryAlarms(settings: Settings): AlarmSpec[] {
  const aws = settings.aws;
  const cluster = aws.ecs.clusterName ?? "";
  const subjects: [Subject, Kind[]][] = [
    ...aws.rds.map((db): [Subject, Kind[]] => [{ name: db.identifier, plane: db.plane, namespace: "AWS/RDS", dimensions: { DBInstanceIdentifier: db.identifier } }, RDS]),
    ...aws.elasticache.map((c): [Subject, Kind[]] => [{ name: c.clusterId, plane: c.plane, namespace: "AWS/ElastiCache", dimensions: { CacheClusterId: c.clusterId } }, CACHE]),
    ...aws.ecs.services.map((s): [Subject, Kind[]] => [{ name: s.name, plane: s.plane, namespace: "AWS/ECS", dimensions: { ClusterName: cluster, ServiceName: s.name } }, ECS]),
  ];
  return subjects.flatMap(([subject, kinds]) => kinds.map((k) => inventoryAlarm(settings, subject, k)));
}

/**
 * Health alarms of one forwarder: any failed invocation within a minute, and any event left in
 * its dead-letter queue after the retries. Both go to its health topic, which another forwarder reads.
 */
export function forwarderAlarms(settings: Settings, forwarder: Forwarder): AlarmSpec[] {
  const { functionName, queueName } = forwarderNames(settings, forwarder);
  const topic = healthTopic(settings, forwarder);
  const common = { period: 60, evaluationPeriods: 1, threshold: 1, comparisonOperator: "GreaterThanOrEqualToThreshold", treatMissingData: "notBreaching" } as const;
  return [
    {
      kind: "ForwarderErrors",
      topic,
      alarm: {
        ...common,
        name: `${functionName}-errors`,
        alarmDescription: description(settings, `Forwarder Lambda ${functionName} failed to deliver an alarm notification`, undefined, "ForwarderErrors"),
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: functionName },
        statistic: "Sum",
      },
    },
    {
      kind: "ForwarderDeadLetters",
      topic,
      alarm: {
        ...common,
        name: `${queueName}-not-empty`,
        alarmDescription: description(settings, `Dead-letter queue ${queueName} holds notifications ${functionName} gave up on after retries`, undefined, "ForwarderDeadLetters"),
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queueName },
        statistic: "Maximum",
      },
    },
  ];
}
