// The Slack forwarder against local Slack and SSM stand-ins: the exact messages sent, Slack's
// limits, and routing by topic.
import assert from "node:assert/strict";
import { ENV } from "../../lambdas/contract";
import { createSlackHandler } from "../../lambdas/slack";
import { FIELD_TEXT_MAX, HEADER_MAX, SECTION_TEXT_MAX, SlackMessage } from "../../lambdas/slack/message";
import { ForwarderOptions } from "../../lambdas/shared/forwarder";
import { fixture, lambdaContext, rdsAlarm, record, snsEvent, TOPICS } from "./events";
import { bodies, Harness, startHarness, WEBHOOK_PATHS } from "./harness";

const FAST = { requestTimeoutMs: 300, backoffBaseMs: 5, backoffMaxMs: 50, safetyMarginMs: 200 };
const RDS_URL = "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/orders-db-cpu";
const REASON = "Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold (80.0).";

describe("lambdas: Slack forwarder", () => {
  let h: Harness;
  const make = (options: ForwarderOptions = {}) => createSlackHandler({ env: h.slackEnv, logSink: h.logSink, tuning: FAST, ...options });
  const sent = () => bodies(h.slack) as unknown as SlackMessage[];

  before(async () => {
    h = await startHarness();
  });
  beforeEach(() => h.reset());
  after(() => h.close());

  it("posts an ALARM to the topic's webhook: state, alarm, reason, metric, threshold, region, account, console link", async () => {
    await make()(snsEvent(record(rdsAlarm("ALARM"))), lambdaContext());
    assert.equal(h.slack.requests[0].path, WEBHOOK_PATHS.critical);
    assert.deepEqual(sent(), [
      {
        text: `:rotating_light: ALARM: orders-db-cpu: ${REASON}`,
        blocks: [
          { type: "header", text: { type: "plain_text", text: ":rotating_light: ALARM: orders-db-cpu", emoji: true } },
          { type: "section", text: { type: "mrkdwn", text: `*Reason*\n${REASON}` } },
          { type: "section", text: { type: "mrkdwn", text: "*Description*\nRDS orders-db CPU above 80%" } },
          {
            type: "section",
            fields: [
              { type: "mrkdwn", text: "*State*\nOK → ALARM" },
              { type: "mrkdwn", text: "*Metric*\nAWS/RDS CPUUtilization [DBInstanceIdentifier=orders-db] (AVERAGE over 300s)" },
              { type: "mrkdwn", text: "*Threshold*\n&gt; 80 for 3 of 3 periods of 300s" },
              { type: "mrkdwn", text: "*Region*\nus-east-1 (US East (N. Virginia))" },
              { type: "mrkdwn", text: "*Account*\n123456789012" },
              { type: "mrkdwn", text: "*Changed at*\n2024-05-01T10:00:00.000Z" },
            ],
          },
          {
            type: "context",
            elements: [
              { type: "mrkdwn", text: `<${RDS_URL}|Open in the CloudWatch console>` },
              { type: "mrkdwn", text: `Topic: ${TOPICS.critical}` },
            ],
          },
        ],
      },
    ]);
  });

  it("resolved and INSUFFICIENT_DATA messages look like what they are", async () => {
    const handler = make();
    await handler(snsEvent(record(rdsAlarm("OK"), { topicArn: TOPICS.warning })), lambdaContext());
    await handler(snsEvent(record(rdsAlarm("INSUFFICIENT_DATA"), { topicArn: TOPICS.warning })), lambdaContext());
    assert.deepEqual(
      h.slack.requests.map((r) => r.path),
      [WEBHOOK_PATHS.warning, WEBHOOK_PATHS.warning],
    );
    const [ok, insufficient] = sent();
    assert.equal(ok.text, `:white_check_mark: Resolved: orders-db-cpu: ${REASON}`);
    assert.deepEqual(ok.blocks[0], { type: "header", text: { type: "plain_text", text: ":white_check_mark: Resolved: orders-db-cpu", emoji: true } });
    assert.deepEqual(ok.blocks[3], {
      type: "section",
      fields: [
        { type: "mrkdwn", text: "*State*\nALARM → OK" },
        { type: "mrkdwn", text: "*Metric*\nAWS/RDS CPUUtilization [DBInstanceIdentifier=orders-db] (AVERAGE over 300s)" },
        { type: "mrkdwn", text: "*Threshold*\n&gt; 80 for 3 of 3 periods of 300s" },
        { type: "mrkdwn", text: "*Region*\nus-east-1 (US East (N. Virginia))" },
        { type: "mrkdwn", text: "*Account*\n123456789012" },
        { type: "mrkdwn", text: "*Changed at*\n2024-05-01T10:00:00.000Z" },
      ],
    });
    assert.equal(insufficient.text, `:grey_question: Insufficient data: orders-db-cpu: ${REASON}`);
  });

  it("posts the metric-math fixture with its expression (no link: the fixture's region is a placeholder)", async () => {
    const event = fixture("multiple-metrics");
    event.Records[0].Sns.TopicArn = TOPICS.critical;
    await make()(event, lambdaContext());
    const [message] = sent();
    const fields = (message.blocks[3] as { fields: { text: string }[] }).fields.map((f) => f.text);
    assert.deepEqual(fields.slice(0, 2), ["*State*\nINSUFFICIENT_DATA → ALARM", '*Metric*\ne1 = m1*1 "Expression1" where m1 = AWS/EC2 NetworkOut [InstanceId=TestInstance] (Average over 60s)']);
    assert.deepEqual(message.blocks[4], { type: "context", elements: [{ type: "mrkdwn", text: `Topic: ${TOPICS.critical}` }] });
  });

  it("posts a non-alarm message with its subject and body, and says why an unreadable alarm is shown raw", async () => {
    await make()(snsEvent(record("Backup <daily> done & verified", { subject: "Backup", messageId: "m-1" })), lambdaContext());
    await make()(snsEvent(record("{broken", { subject: "Mystery", messageId: "m-2" }), record({ AlarmName: "x" }, { subject: "Odd", messageId: "m-3" })), lambdaContext());
    const [plain, ...rest] = sent();
    assert.deepEqual(plain, {
      text: "Backup: Backup &lt;daily&gt; done &amp; verified",
      blocks: [
        { type: "header", text: { type: "plain_text", text: ":loudspeaker: Backup", emoji: true } },
        { type: "section", text: { type: "mrkdwn", text: "Backup &lt;daily&gt; done &amp; verified" } },
        { type: "context", elements: [{ type: "mrkdwn", text: `Topic: ${TOPICS.critical}` }] },
      ],
    });
    const odd = rest.find((m) => m.text.startsWith("Odd"));
    assert.deepEqual((odd?.blocks[2] as { elements: { text: string }[] }).elements[0].text, 'Not readable as a CloudWatch alarm: AlarmArn undefined is not an ARN; NewStateValue undefined is not one of ALARM, OK, INSUFFICIENT_DATA');
    assert.ok(rest.some((m) => m.text === "Mystery: {broken"));
  });

  it("keeps long text within Slack's limits without breaking an escape", async () => {
    const long = "a<b>&".repeat(2000);
    await make()(snsEvent(record(rdsAlarm("ALARM", { AlarmName: "n".repeat(300), NewStateReason: long, AlarmDescription: long }))), lambdaContext());
    const [message] = sent();
    const texts = message.blocks.flatMap((b) => ("text" in b && b.text ? [b.text.text] : []));
    const [header, ...sections] = texts;
    assert.equal(header.length, HEADER_MAX);
    for (const s of sections) {
      assert.ok(s.length <= SECTION_TEXT_MAX, `section of ${s.length} characters`);
      assert.match(s, /…$/);
      assert.doesNotMatch(s, /&[a-z]*…$/, "no half entity before the ellipsis");
    }
    for (const f of (message.blocks[3] as { fields: { text: string }[] }).fields) assert.ok(f.text.length <= FIELD_TEXT_MAX);
    assert.ok(message.text.length <= 3000);
  });

  it("retries a 429 after its Retry-After and accepts Slack's 200 ok", async () => {
    const answers = [{ status: 429, headers: { "retry-after": "1" }, body: "rate_limited" }];
    h.slack.reply = () => answers.shift() ?? { status: 200, body: "ok" };
    await make()(snsEvent(record(rdsAlarm("ALARM"))), lambdaContext());
    const [first, second] = h.slack.requests;
    assert.equal(h.slack.requests.length, 2);
    assert.ok(second.at - first.at >= 950, `waited ${second.at - first.at} ms`);
  });

  it("fails a record whose topic has no webhook, naming the topic, after delivering the others", async () => {
    const event = snsEvent(record(rdsAlarm("ALARM"), { topicArn: TOPICS.unknown }), record(rdsAlarm("ALARM"), { topicArn: TOPICS.warning }));
    await assert.rejects(make()(event, lambdaContext()), /1 of 2 record\(s\) not delivered \(record 0\)/);
    assert.deepEqual(h.slack.requests.map((r) => r.path), [WEBHOOK_PATHS.warning]);
    const error = h.logs.find((l) => l.json.msg === "delivery failed");
    assert.equal(error?.json.error, `Error: topic ${TOPICS.unknown} has no webhook parameter in ${ENV.slackWebhookParameters} (known topics: ${TOPICS.critical}, ${TOPICS.warning})`);
  });

  it("fails when SSM has no such parameter, naming the parameter", async () => {
    const env = { [ENV.slackWebhookParameters]: JSON.stringify({ [TOPICS.critical]: "/alerting/slack/missing" }) };
    await assert.rejects(make({ env })(snsEvent(record(rdsAlarm("ALARM"))), lambdaContext()), /not delivered/);
    assert.equal(h.logs.find((l) => l.json.msg === "delivery failed")?.json.error, "SecretReadError: SSM parameter /alerting/slack/missing could not be read (ParameterNotFound)");
  });
});
