// SNS events for the forwarder tests: the fixtures, and builders for the transitions
// and malformed messages the fixtures do not cover.
import * as fs from "node:fs";
import * as path from "node:path";
import type { LambdaContext } from "../../lambdas/shared/forwarder";

// Copied from the shared fixtures (public aws-lambda-go test data) so the repo tests on its own.
const FIXTURES = path.resolve(__dirname, "../fixtures/cloudwatch-alarm-sns");

export interface SnsEvent {
  Records: { EventSource: string; Sns: Record<string, unknown> }[];
}

export const fixture = (name: "single-metric" | "multiple-metrics"): SnsEvent => JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8"));

/** The alarm message inside a fixture, as an object to vary. */
export const fixtureAlarm = (name: "single-metric" | "multiple-metrics"): Record<string, unknown> =>
  JSON.parse(fixture(name).Records[0].Sns.Message as string);

export const TOPICS = {
  critical: "arn:aws:sns:us-east-1:123456789012:alerting-critical",
  warning: "arn:aws:sns:us-east-1:123456789012:alerting-warning",
  unknown: "arn:aws:sns:us-east-1:123456789012:not-configured",
};

export function record(message: string | Record<string, unknown>, opts: { topicArn?: string; subject?: string; messageId?: string } = {}) {
  return {
    EventSource: "aws:sns",
    Sns: {
      Type: "Notification",
      MessageId: opts.messageId ?? "5f1c9a7e-0000-4000-8000-000000000001",
      TopicArn: opts.topicArn ?? TOPICS.critical,
      Subject: opts.subject ?? "ALARM: \"orders-db-cpu\" in US East (N. Virginia)",
      Message: typeof message === "string" ? message : JSON.stringify(message),
      Timestamp: "2024-05-01T10:00:01.000Z",
    },
  };
}

export const snsEvent = (...records: unknown[]) => ({ Records: records });

/** A realistic RDS CPU alarm (single metric) in the given state. */
export function rdsAlarm(state: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    AlarmName: "orders-db-cpu",
    AlarmDescription: "RDS orders-db CPU above 80%",
    AWSAccountId: "123456789012",
    NewStateValue: state,
    NewStateReason: `Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold (80.0).`,
    StateChangeTime: "2024-05-01T10:00:00.000+0000",
    Region: "US East (N. Virginia)",
    AlarmArn: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-db-cpu",
    OldStateValue: state === "OK" ? "ALARM" : "OK",
    Trigger: {
      MetricName: "CPUUtilization",
      Namespace: "AWS/RDS",
      StatisticType: "Statistic",
      Statistic: "AVERAGE",
      Unit: null,
      Dimensions: [{ value: "orders-db", name: "DBInstanceIdentifier" }],
      Period: 300,
      EvaluationPeriods: 3,
      ComparisonOperator: "GreaterThanThreshold",
      Threshold: 80.0,
      TreatMissingData: "missing",
    },
    ...overrides,
  };
}

/** A Lambda context with the given time left. */
export const lambdaContext = (remainingMs = 30_000, requestId = "req-1"): LambdaContext => {
  const end = Date.now() + remainingMs;
  return { awsRequestId: requestId, getRemainingTimeInMillis: () => end - Date.now() };
};
