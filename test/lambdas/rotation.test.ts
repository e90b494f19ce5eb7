// Rotated secrets reach a warm forwarder: the SSM value is cached for a TTL only, and a receiver
// rejecting the credential (PagerDuty 401/403 or 400 "Invalid routing key"; Slack 403/404/410)
// makes the forwarder read it again and deliver with the new value in the same invocation.
// SSM is read with a SigV4-signed request to the endpoint AWS_ENDPOINT_URL_SSM names.
import assert from "node:assert/strict";
import { ENV } from "../../lambdas/contract";
import { createPagerDutyHandler } from "../../lambdas/pagerduty";
import { DEFAULT_SECRET_TTL_MS } from "../../lambdas/shared/secrets";
import { createSlackHandler } from "../../lambdas/slack";
import { lambdaContext, rdsAlarm, record, snsEvent, TOPICS } from "./events";
import { bodies, Harness, PARAMS, ROUTING_KEY, startHarness, WEBHOOK_PATHS } from "./harness";
import { Reply } from "./servers";

const FAST = { requestTimeoutMs: 300, backoffBaseMs: 5, backoffMaxMs: 50, safetyMarginMs: 200 };
const NEW_KEY = "pd-routing-key-rotated-9876";
const NEW_PATH = "/services/T000/B000/critical-rotated";
const alarm = () => snsEvent(record(rdsAlarm("ALARM"), { topicArn: TOPICS.critical }));

describe("lambdas: rotated secrets", () => {
  let h: Harness;
  let clock = 0;
  const now = () => clock;
  const pd = (env: Record<string, string> = {}) => createPagerDutyHandler({ env: { ...h.pdEnv, ...env }, logSink: h.logSink, tuning: FAST, now });
  const slack = () => createSlackHandler({ env: h.slackEnv, logSink: h.logSink, tuning: FAST, now });
  const keysSent = () => bodies(h.pd).map((b) => b.routing_key);
  /** PagerDuty as it answers a revoked key: only the current key is accepted. */
  const onlyKey = (key: string, rejection: Reply) => (req: { body: string }) => (JSON.parse(req.body).routing_key === key ? { status: 202, body: "{}" } : rejection);

  before(async () => {
    h = await startHarness();
  });
  beforeEach(() => {
    h.reset();
    clock = 1_000_000;
  });
  after(() => h.close());

  it("signs the SSM request with SigV4 for the ssm service of the runtime's region", async () => {
    await pd()(alarm(), lambdaContext());
    const [read] = h.ssm.requests;
    assert.equal(read.headers["x-amz-target"], "AmazonSSM.GetParameter");
    assert.match(String(read.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIATESTTESTTEST\/\d{8}\/eu-west-1\/ssm\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/);
    assert.match(String(read.headers["x-amz-date"]), /^\d{8}T\d{6}Z$/);
  });

  it("retries SSM's throttling (a 400 ThrottlingException, as a burst of cold forwarders gets), and no other 400", async () => {
    const answer = h.ssm.reply;
    const throttled: Reply = { status: 400, headers: { "content-type": "application/x-amz-json-1.1" }, body: JSON.stringify({ __type: "ThrottlingException", message: "Rate exceeded" }) };
    let left = 3;
    h.ssm.reply = (req) => (left-- > 0 ? throttled : answer(req));
    try {
      await pd()(alarm(), lambdaContext(20_000));
      assert.equal(h.ssm.requests.length, 4);
      assert.deepEqual(keysSent(), [ROUTING_KEY]);
      // A parameter that does not exist is not throttling: one request, then the invocation fails.
      h.reset();
      h.ssm.reply = answer;
      await assert.rejects(pd({ [ENV.pagerdutyKeyParameter]: "/ananta/missing" })(alarm(), lambdaContext(20_000)));
      assert.equal(h.ssm.requests.length, 1);
    } finally {
      h.ssm.reply = answer;
    }
  });

  it("keeps a secret for the TTL (5 minutes by default), then reads the rotated value", async () => {
    assert.equal(DEFAULT_SECRET_TTL_MS, 300_000);
    const handler = pd();
    await handler(alarm(), lambdaContext());
    h.parameters[PARAMS.pagerdutyKey] = NEW_KEY;
    clock += DEFAULT_SECRET_TTL_MS - 1;
    await handler(alarm(), lambdaContext());
    clock += 1;
    await handler(alarm(), lambdaContext());
    assert.deepEqual(keysSent(), [ROUTING_KEY, ROUTING_KEY, NEW_KEY]);
    assert.equal(h.ssm.requests.length, 2);
  });

  it("takes its TTL from SECRET_TTL_SECONDS", async () => {
    const handler = pd({ [ENV.secretTtlSeconds]: "10" });
    await handler(alarm(), lambdaContext());
    h.parameters[PARAMS.pagerdutyKey] = NEW_KEY;
    clock += 10_000;
    await handler(alarm(), lambdaContext());
    assert.deepEqual(keysSent(), [ROUTING_KEY, NEW_KEY]);
  });

  it("refuses a SECRET_TTL_SECONDS that is not a number of seconds, naming it", async () => {
    await assert.rejects(pd({ [ENV.secretTtlSeconds]: "5m" })(alarm(), lambdaContext()), /configuration is invalid/);
    assert.match(String(h.logs.find((l) => l.level === "error")?.json.error), /SECRET_TTL_SECONDS="5m" is not allowed; it must be a whole number of seconds from 0 to 3600/);
  });

  for (const [what, rejection] of [
    ['400 "Invalid routing key"', { status: 400, body: JSON.stringify({ status: "invalid event", message: "Event object is invalid", errors: ["Invalid routing key"] }) }],
    ["401", { status: 401, body: "unauthorized" }],
    ["403", { status: 403, body: "forbidden" }],
  ] as [string, Reply][]) {
    it(`PagerDuty ${what}: reads the key again and delivers with it in the same invocation`, async () => {
      const handler = pd();
      await handler(alarm(), lambdaContext());
      h.parameters[PARAMS.pagerdutyKey] = NEW_KEY;
      h.pd.reply = onlyKey(NEW_KEY, rejection);
      await handler(alarm(), lambdaContext());
      assert.deepEqual(keysSent(), [ROUTING_KEY, ROUTING_KEY, NEW_KEY]);
      assert.equal(h.ssm.requests.length, 2);
      assert.ok(h.logs.some((l) => l.json.msg === "the receiver rejected the credential; delivering again with the value SSM holds now" && l.json.parameter === PARAMS.pagerdutyKey));
    });
  }

  it("does not retry with the same key when SSM still holds it, and fails the invocation", async () => {
    h.pd.reply = () => ({ status: 400, body: '{"errors":["Invalid routing key"]}' });
    await assert.rejects(pd()(alarm(), lambdaContext()), /1 of 1 record\(s\) not delivered/);
    assert.deepEqual(keysSent(), [ROUTING_KEY]);
    assert.equal(h.ssm.requests.length, 2, "read once, then once more after the rejection");
  });

  it("does not re-read the key on a 400 for another reason (a bad event is not a bad key)", async () => {
    h.pd.reply = () => ({ status: 400, body: '{"errors":["\'payload.summary\' is missing"]}' });
    await assert.rejects(pd()(alarm(), lambdaContext()));
    assert.equal(h.ssm.requests.length, 1);
  });

  for (const status of [403, 404, 410]) {
    it(`Slack ${status}: reads the webhook again and posts to the new one in the same invocation`, async () => {
      const handler = slack();
      await handler(alarm(), lambdaContext());
      h.parameters[PARAMS.slackCritical] = `${h.slack.url}${NEW_PATH}`;
      h.slack.reply = (req) => (req.path === NEW_PATH ? { status: 200, body: "ok" } : { status, body: "invalid_token" });
      await handler(alarm(), lambdaContext());
      assert.deepEqual(h.slack.requests.map((r) => r.path), [WEBHOOK_PATHS.critical, WEBHOOK_PATHS.critical, NEW_PATH]);
    });
  }
});
