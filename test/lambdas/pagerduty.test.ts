// The PagerDuty forwarder against local PagerDuty and SSM stand-ins: the exact events sent for
// each state and message kind, retries, and what happens to bad input.
import assert from "node:assert/strict";
import { ENV } from "../../lambdas/contract";
import { createPagerDutyHandler } from "../../lambdas/pagerduty";
import { SUMMARY_MAX } from "../../lambdas/pagerduty/event";
import { ForwarderOptions } from "../../lambdas/shared/forwarder";
import { fixture, fixtureAlarm, lambdaContext, rdsAlarm, record, snsEvent, TOPICS } from "./events";
import { bodies, Harness, ROUTING_KEY, startHarness } from "./harness";
import type { FakeServer, Reply } from "./servers";

const FAST = { requestTimeoutMs: 300, backoffBaseMs: 5, backoffMaxMs: 50, safetyMarginMs: 200 };
const RDS_ARN = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-db-cpu";
const RDS_URL = "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/orders-db-cpu";

describe("lambdas: PagerDuty forwarder", () => {
  let h: Harness;
  const make = (options: ForwarderOptions = {}) => createPagerDutyHandler({ env: h.pdEnv, logSink: h.logSink, tuning: FAST, ...options });
  const messages = () => h.logs.map((l) => l.json.msg);

  let startDefault: FakeServer["reply"];
  before(async () => {
    h = await startHarness();
    startDefault = h.cloudwatch.reply;
  });
  beforeEach(() => h.reset());
  after(() => h.close());

  it("triggers on the single-metric fixture with the default severity for an unknown topic", async () => {
    await make()(fixture("single-metric"), lambdaContext());
    const reason = fixtureAlarm("single-metric").NewStateReason as string;
    assert.equal(h.pd.requests[0].path, "/v2/enqueue");
    assert.deepEqual(bodies(h.pd), [
      {
        routing_key: ROUTING_KEY,
        event_action: "trigger",
        dedup_key: "arn:aws:cloudwatch:REGION:ACCOUNT_NUMBER:alarm:EXAMPLE",
        payload: {
          summary: `ALARM: EXAMPLE: ${reason}`,
          source: "InstanceId=TestInstance",
          severity: "error",
          timestamp: "2015-06-03T17:43:27.123Z",
          component: "AWS/EC2",
          group: "123456789012/EXAMPLE",
          class: "NetworkOut",
          custom_details: {
            alarm: "EXAMPLE",
            description: "EXAMPLE",
            state: "INSUFFICIENT_DATA -> ALARM",
            reason,
            metric: "AWS/EC2 NetworkOut [InstanceId=TestInstance] (AVERAGE over 60s)",
            threshold: "> 0 for 1 of 1 periods of 60s",
            account: "123456789012",
            region: "EXAMPLE",
            alarm_arn: "arn:aws:cloudwatch:REGION:ACCOUNT_NUMBER:alarm:EXAMPLE",
            topic: "arn:aws:sns:EXAMPLE",
          },
        },
        client: "AWS CloudWatch",
      },
    ]);
    const warning = h.logs.find((l) => l.level === "warn");
    assert.equal(warning?.json.msg, `topic is not in ${ENV.topicSeverities}; using the default severity`);
    assert.deepEqual(messages().at(-1), "delivered");
  });

  it("describes a metric-math alarm from its expression and metrics", async () => {
    await make()(fixture("multiple-metrics"), lambdaContext());
    const [event] = bodies(h.pd) as { payload: { source: string; component: string; class: string; custom_details: Record<string, unknown> } }[];
    assert.deepEqual(
      { source: event.payload.source, component: event.payload.component, class: event.payload.class, metric: event.payload.custom_details.metric },
      { source: "InstanceId=TestInstance", component: "AWS/EC2", class: "NetworkOut", metric: 'e1 = m1*1 "Expression1" where m1 = AWS/EC2 NetworkOut [InstanceId=TestInstance] (Average over 60s)' },
    );
  });

  it("ALARM triggers and OK resolves the same incident (dedup_key = alarm ARN), with the topic's severity and a console link", async () => {
    const handler = make();
    await handler(snsEvent(record(rdsAlarm("ALARM"))), lambdaContext());
    await handler(snsEvent(record(rdsAlarm("OK"))), lambdaContext());
    const [trigger, resolve] = bodies(h.pd);
    assert.deepEqual(trigger, {
      routing_key: ROUTING_KEY,
      event_action: "trigger",
      dedup_key: RDS_ARN,
      payload: {
        summary: "ALARM: orders-db-cpu: Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold (80.0).",
        source: "DBInstanceIdentifier=orders-db",
        severity: "critical",
        timestamp: "2024-05-01T10:00:00.000Z",
        component: "AWS/RDS",
        group: "123456789012/us-east-1",
        class: "CPUUtilization",
        custom_details: {
          alarm: "orders-db-cpu",
          description: "RDS orders-db CPU above 80%",
          state: "OK -> ALARM",
          reason: "Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold (80.0).",
          metric: "AWS/RDS CPUUtilization [DBInstanceIdentifier=orders-db] (AVERAGE over 300s)",
          threshold: "> 80 for 3 of 3 periods of 300s",
          account: "123456789012",
          region: "us-east-1",
          alarm_arn: RDS_ARN,
          topic: TOPICS.critical,
        },
      },
      client: "AWS CloudWatch",
      client_url: RDS_URL,
      links: [{ href: RDS_URL, text: "CloudWatch alarm orders-db-cpu" }],
    });
    assert.deepEqual(resolve, { routing_key: ROUTING_KEY, event_action: "resolve", dedup_key: RDS_ARN });
  });

  it("reads the routing key from SSM once and caches it (for the TTL)", async () => {
    const before = h.ssm.requests.length;
    const handler = make();
    await handler(snsEvent(record(rdsAlarm("ALARM"))), lambdaContext());
    await handler(snsEvent(record(rdsAlarm("OK"))), lambdaContext());
    assert.equal(h.ssm.requests.length - before, 1);
    assert.equal(h.ssm.requests.at(-1)?.headers["x-amz-target"], "AmazonSSM.GetParameter");
  });

  it("does not page an ALARM the alarm has left since (a Lambda retry after its OK resolved the incident)", async () => {
    // Retried minutes later: CloudWatch says the alarm has been OK since after this ALARM.
    const changed = String(rdsAlarm("ALARM").StateChangeTime);
    const okSince = new Date(Date.parse(changed.replace(/([+-]\d\d)(\d\d)$/, "$1:$2")) + 120_000).toISOString();
    h.alarmStates[String(rdsAlarm("ALARM").AlarmName)] = { state: "OK", since: okSince };
    await make()(snsEvent(record(rdsAlarm("ALARM"))), lambdaContext());
    assert.equal(h.pd.requests.length, 0, "no trigger reopened the resolved incident");
    assert.match(String(h.logs.find((l) => l.json.msg === "not forwarded")?.json.reason), new RegExp(`^stale ALARM of .*: the alarm has been OK since ${okSince.replace(/\./g, "\\.")}$`));
    const [asked] = h.cloudwatch.requests;
    assert.match(String(asked.headers.authorization), /\/eu-west-1\/monitoring\/aws4_request/);

    // Still in ALARM, or in OK since before this ALARM (the OK is older news): it pages.
    for (const now of [{ state: "ALARM", since: okSince }, { state: "OK", since: "2020-01-01T00:00:00.000Z" }]) {
      h.reset();
      h.alarmStates[String(rdsAlarm("ALARM").AlarmName)] = now;
      await make()(snsEvent(record(rdsAlarm("ALARM"))), lambdaContext());
      assert.equal(bodies(h.pd)[0]?.event_action, "trigger", JSON.stringify(now));
    }
  });

  it("pages when the alarm's current state cannot be read (unknown is not stale)", async () => {
    h.cloudwatch.reply = () => ({ status: 403, body: "<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>" });
    try {
      await make()(snsEvent(record(rdsAlarm("ALARM"))), lambdaContext());
      assert.equal(bodies(h.pd)[0]?.event_action, "trigger");
      assert.ok(h.logs.some((l) => l.json.msg === "the alarm's current state could not be read; forwarding the notification as it came"));
    } finally {
      h.cloudwatch.reply = startDefault;
    }
  });

  it("does not page INSUFFICIENT_DATA and logs why", async () => {
    await make()(snsEvent(record(rdsAlarm("INSUFFICIENT_DATA"))), lambdaContext());
    assert.equal(h.pd.requests.length, 0);
    const line = h.logs.find((l) => l.json.msg === "not forwarded");
    assert.match(String(line?.json.reason), /INSUFFICIENT_DATA is not paged/);
    assert.equal(line?.json.alarm, "orders-db-cpu");
  });

  it("sends a non-alarm SNS message with its subject and body, keyed by the SNS message id", async () => {
    await make()(snsEvent(record("Deployment 42 finished\nall green", { subject: "Deploy", topicArn: TOPICS.warning, messageId: "m-77" })), lambdaContext());
    assert.deepEqual(bodies(h.pd), [
      {
        routing_key: ROUTING_KEY,
        event_action: "trigger",
        dedup_key: "sns:m-77",
        payload: {
          summary: "Deploy",
          source: TOPICS.warning,
          severity: "warning",
          timestamp: "2024-05-01T10:00:01.000Z",
          custom_details: { subject: "Deploy", message: "Deployment 42 finished\nall green", topic: TOPICS.warning },
        },
      },
    ]);
  });

  it("forwards malformed JSON and unreadable alarms as plain messages, logging the problems", async () => {
    const unknownState = rdsAlarm("SNOOZED");
    await make()(snsEvent(record("{not json", { messageId: "m-1" }), record(unknownState, { messageId: "m-2" })), lambdaContext());
    const sent = bodies(h.pd) as { dedup_key: string; payload: { custom_details: { message: string; problems?: string[] } } }[];
    const byKey = Object.fromEntries(sent.map((e) => [e.dedup_key, e.payload.custom_details]));
    assert.equal(byKey["sns:m-1"].message, "{not json");
    assert.equal(byKey["sns:m-2"].message, JSON.stringify(unknownState));
    assert.deepEqual(byKey["sns:m-2"].problems, ['NewStateValue "SNOOZED" is not one of ALARM, OK, INSUFFICIENT_DATA']);
    const warn = h.logs.find((l) => l.level === "warn" && l.json.messageId === "m-2");
    assert.deepEqual(warn?.json.problems, byKey["sns:m-2"].problems);
  });

  it("summaries stay within 1024 characters", async () => {
    await make()(snsEvent(record(rdsAlarm("ALARM", { NewStateReason: "x".repeat(5000) }))), lambdaContext());
    const [event] = bodies(h.pd) as { payload: { summary: string } }[];
    assert.equal(event.payload.summary.length, SUMMARY_MAX);
    assert.ok(event.payload.summary.endsWith("…"));
  });

  it("attempts every record, then fails the invocation for the ones it could not deliver", async () => {
    h.pd.reply = (req) => (req.body.includes("bad-alarm") ? { status: 400, body: '{"status":"invalid event"}' } : { status: 202, body: "{}" });
    const bad = rdsAlarm("ALARM", { AlarmName: "bad-alarm", AlarmArn: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:bad-alarm" });
    const event = snsEvent({ EventSource: "aws:sns" }, record(bad, { messageId: "m-bad" }), record(rdsAlarm("ALARM"), { messageId: "m-good" }));
    await assert.rejects(make()(event, lambdaContext()), /2 of 3 record\(s\) not delivered \(record 0, 1\)/);
    assert.equal(h.pd.requests.filter((r) => r.body.includes("bad-alarm")).length, 1, "a 400 is not retried");
    assert.equal(h.pd.requests.filter((r) => r.body.includes("orders-db-cpu")).length, 1, "the good record was delivered");
    const errors = h.logs.filter((l) => l.level === "error").map((l) => l.json);
    assert.deepEqual(
      errors.map((e) => [e.msg, e.record, e.cause]),
      [
        ["record cannot be forwarded: it carries no SNS message", 0, undefined],
        ["delivery failed", 1, "rejected"],
        ["invocation failed: some records were not delivered; Lambda retries the event, then dead-letters it", undefined, undefined],
      ],
    );
    assert.equal(errors[1].status, 400);
    assert.equal(errors[1].body, '{"status":"invalid event"}');
  });

  it("retries 429, 5xx and dropped connections, honouring Retry-After", async () => {
    const answers: ("drop" | { status: number; headers?: Record<string, string> })[] = [{ status: 429, headers: { "retry-after": "1" } }, { status: 503 }, "drop", { status: 202 }];
    h.pd.reply = () => answers.shift() ?? { status: 500 };
    await make()(snsEvent(record(rdsAlarm("ALARM"))), lambdaContext());
    assert.equal(h.pd.requests.length, 4);
    const delivered = h.logs.find((l) => l.json.msg === "delivered");
    assert.equal(delivered?.json.attempts, 4);
    const [first, second] = h.pd.requests;
    assert.ok(second.at - first.at >= 950, `waited ${second.at - first.at} ms after "Retry-After: 1" (backoff alone is 5 ms)`);
  });

  it("treats an unreadable Retry-After as absent: retries with its own short backoff", async () => {
    const answers: Reply[] = [{ status: 429, headers: { "retry-after": "soon" } }, { status: 503, headers: { "retry-after": "" } }, { status: 202 }];
    h.pd.reply = () => answers.shift() ?? { status: 500 };
    const started = Date.now();
    await make()(snsEvent(record(rdsAlarm("ALARM"))), lambdaContext(20_000));
    assert.equal(h.logs.find((l) => l.json.msg === "delivered")?.json.attempts, 3);
    // Backoff here is 5-50 ms a retry; a misread header would wait until the deadline (or 24 days).
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
  });

  it("treats a redirect as not delivered, and does not follow it", async () => {
    h.pd.reply = () => ({ status: 302, headers: { location: "/v2/elsewhere" } });
    await assert.rejects(make()(snsEvent(record(rdsAlarm("ALARM"))), lambdaContext()), /not delivered/);
    assert.equal(h.pd.requests.length, 1, "the redirect was not followed");
    const failed = h.logs.find((l) => l.json.msg === "delivery failed");
    assert.deepEqual([failed?.json.cause, failed?.json.status], ["rejected", 302]);
    assert.equal(h.logs.some((l) => l.json.msg === "delivered"), false);
  });

  it("gives up when Retry-After lies beyond the deadline, and ends every retry before the Lambda's timeout", async () => {
    h.pd.reply = () => ({ status: 429, headers: { "retry-after": "60" } });
    await assert.rejects(make()(snsEvent(record(rdsAlarm("ALARM"))), lambdaContext(5_000)), /not delivered/);
    assert.equal(h.pd.requests.length, 1);
    assert.equal(h.logs.find((l) => l.json.msg === "delivery failed")?.json.cause, "retry-after-beyond-deadline");

    h.reset();
    h.pd.reply = () => "hang";
    const started = Date.now();
    const remaining = 1_500;
    await assert.rejects(make()(snsEvent(record(rdsAlarm("ALARM"))), lambdaContext(remaining)), /not delivered/);
    assert.ok(Date.now() - started < remaining, "the retry budget ended before the Lambda would have timed out");
    assert.ok(h.pd.requests.length >= 2, "timed-out attempts were retried");
    assert.equal(h.logs.find((l) => l.json.msg === "delivery failed")?.json.cause, "deadline");
  });

  it("logs and fails clearly on bad input: empty Records, a non-SNS event, bad configuration", async () => {
    await make()({ Records: [] }, lambdaContext());
    assert.equal(h.logs.at(-1)?.json.msg, "event has no records; nothing to forward");
    await assert.rejects(make()({ detail: {} }, lambdaContext()), /not an SNS event/);
    assert.deepEqual(h.logs.at(-1)?.json.eventKeys, ["detail"]);
    const badEnv = { ...h.pdEnv, [ENV.topicSeverities]: JSON.stringify({ [TOPICS.critical]: "urgent" }) };
    await assert.rejects(make({ env: badEnv })(snsEvent(record(rdsAlarm("ALARM"))), lambdaContext()), /configuration is invalid/);
    assert.equal(h.logs.at(-1)?.json.error, `ConfigError: ${ENV.topicSeverities}: topic ${TOPICS.critical} maps to "urgent"; allowed: critical | error | warning | info`);
    assert.equal(h.pd.requests.length, 0);
  });
});
