// Alarm parsing and the shared text helpers, without any server.
import assert from "node:assert/strict";
import { parseRecord, InvalidRecordError } from "../../lambdas/shared/alarm";
import { metricText, thresholdText } from "../../lambdas/shared/describe";
import { consoleUrl, regionOf } from "../../lambdas/shared/region";
import { truncate } from "../../lambdas/shared/text";
import { dedupKey, DEDUP_KEY_MAX } from "../../lambdas/pagerduty/event";
import { fixture, rdsAlarm, record } from "./events";

describe("lambdas: alarm parsing", () => {
  it("reads the single-metric fixture", () => {
    const n = parseRecord(fixture("single-metric").Records[0]);
    assert.equal(n.kind, "alarm");
    if (n.kind !== "alarm") return;
    assert.deepEqual(n.alarm.metrics, [{ namespace: "AWS/EC2", name: "NetworkOut", dimensions: [{ name: "InstanceId", value: "TestInstance" }], stat: "AVERAGE", period: 60 }]);
    assert.equal(n.alarm.changedAt, "2015-06-03T17:43:27.123Z");
    assert.equal(n.alarm.region, undefined, "REGION/EXAMPLE are placeholders, not regions");
    assert.equal(metricText(n.alarm), "AWS/EC2 NetworkOut [InstanceId=TestInstance] (AVERAGE over 60s)");
    assert.equal(thresholdText(n.alarm), "> 0 for 1 of 1 periods of 60s");
  });

  it("reads the metric-math fixture: the returned expression and the metrics it uses", () => {
    const n = parseRecord(fixture("multiple-metrics").Records[0]);
    assert.equal(n.kind, "alarm");
    if (n.kind !== "alarm") return;
    assert.deepEqual(n.alarm.expression, { id: "e1", expression: "m1*1", label: "Expression1" });
    assert.equal(metricText(n.alarm), 'e1 = m1*1 "Expression1" where m1 = AWS/EC2 NetworkOut [InstanceId=TestInstance] (Average over 60s)');
  });

  it("takes the region from the ARN, else from the display name (old EU names and accents included)", () => {
    assert.equal(regionOf("arn:aws:cloudwatch:eu-central-1:1:alarm:a", "US East (N. Virginia)"), "eu-central-1");
    assert.equal(regionOf("arn:aws:cloudwatch:REGION:1:alarm:a", "US East (N. Virginia)"), "us-east-1");
    assert.equal(regionOf("arn:aws:cloudwatch:REGION:1:alarm:a", "EU (Ireland)"), "eu-west-1");
    assert.equal(regionOf("arn:aws:cloudwatch:REGION:1:alarm:a", "South America (São Paulo)"), "sa-east-1");
    assert.equal(regionOf("arn:aws-cn:cloudwatch:cn-north-1:1:alarm:a", "China (Beijing)"), undefined);
    assert.equal(consoleUrl("us-east-1", "a b/c"), "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/a%20b%2Fc");
  });

  it("forwards what it cannot read as an alarm as a plain message, naming the problems", () => {
    const bad = parseRecord(record(rdsAlarm("MAYBE", { AlarmArn: undefined })));
    assert.equal(bad.kind, "message");
    if (bad.kind !== "message") return;
    assert.deepEqual(bad.problems, ["AlarmArn undefined is not an ARN", 'NewStateValue "MAYBE" is not one of ALARM, OK, INSUFFICIENT_DATA']);
    const text = parseRecord(record("{not json"));
    assert.deepEqual(text.kind === "message" && text.problems, []);
  });

  it("rejects a record that carries no SNS message", () => {
    assert.throws(() => parseRecord({ EventSource: "aws:sns" }), InvalidRecordError);
    assert.throws(() => parseRecord({ Sns: { Message: 42 } }), /Sns.Message is not a string; Sns.MessageId is missing; Sns.TopicArn is missing/);
  });
});

describe("lambdas: limits", () => {
  it("truncates without splitting a surrogate pair", () => {
    assert.equal(truncate("abcdef", 4), "abc…");
    assert.equal(truncate("ab😀cd", 4), "ab…");
    assert.equal(truncate("abc", 3), "abc");
  });

  it("keeps dedup keys within 255 characters, stable and distinct", () => {
    const long = `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${"x".repeat(300)}`;
    const key = dedupKey(long);
    assert.equal(key.length, DEDUP_KEY_MAX);
    assert.equal(dedupKey(long), key);
    assert.notEqual(dedupKey(`${long}y`), key);
    assert.equal(dedupKey("arn:short"), "arn:short");
  });
});
