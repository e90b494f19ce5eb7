// Secrets never reach the logs: every byte written to console, stdout and stderr while the
// forwarders run with sentinel secrets (including error paths whose raw errors carry the
// webhook URL or the routing key) is searched for them.
import assert from "node:assert/strict";
import { createPagerDutyHandler } from "../../lambdas/pagerduty";
import { createSlackHandler } from "../../lambdas/slack";
import { Handler } from "../../lambdas/shared/forwarder";
import { createLogger, FIELD_MAX } from "../../lambdas/shared/log";
import { SENTINEL, sentinelsIn } from "../helpers/sentinels";
import { lambdaContext, rdsAlarm, record, snsEvent, TOPICS } from "./events";
import { Harness, startHarness, WEBHOOK_PATHS } from "./harness";

const TUNING = { requestTimeoutMs: 200, backoffBaseMs: 5, backoffMaxMs: 20, safetyMarginMs: 100 };
const SLACK_TOKEN = "SENTINEL-SLACK-TOKEN-5b1e";

/** Runs `fn` with console, stdout and stderr captured; returns everything written and thrown. */
async function captured(fn: () => Promise<void>): Promise<string> {
  const out: string[] = [];
  const grab = (...args: unknown[]) => void out.push(args.map(String).join(" "));
  const saved = { log: console.log, warn: console.warn, error: console.error, info: console.info, debug: console.debug, stdout: process.stdout.write, stderr: process.stderr.write };
  Object.assign(console, { log: grab, warn: grab, error: grab, info: grab, debug: grab });
  process.stdout.write = ((chunk: unknown) => (grab(chunk), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown) => (grab(chunk), true)) as typeof process.stderr.write;
  try {
    await fn();
  } catch (error) {
    out.push(String((error as Error).stack), String((error as Error).message));
  } finally {
    Object.assign(console, { log: saved.log, warn: saved.warn, error: saved.error, info: saved.info, debug: saved.debug });
    process.stdout.write = saved.stdout;
    process.stderr.write = saved.stderr;
  }
  return out.join("\n");
}

describe("lambdas: secrets never reach the logs", () => {
  let h: Harness;
  const alarm = (topicArn = TOPICS.critical) => snsEvent(record(rdsAlarm("ALARM"), { topicArn }));
  const run = (handler: Handler, event: unknown, remainingMs = 2_000) => captured(() => handler(event, lambdaContext(remainingMs)));
  const pd = () => createPagerDutyHandler({ env: h.pdEnv, tuning: TUNING });
  const slack = (fetchImpl?: typeof fetch) => createSlackHandler({ env: h.slackEnv, tuning: TUNING, fetch: fetchImpl });

  before(async () => {
    h = await startHarness({
      routingKey: SENTINEL.pagerdutyKey,
      // critical: a reachable local webhook with a sentinel token in its path; warning: the sentinel URL itself (it never resolves).
      webhook: (url, path) => (path === WEBHOOK_PATHS.critical ? `${url}${path}/${SLACK_TOKEN}` : SENTINEL.slackWebhooks.platform),
    });
  });
  beforeEach(() => h.reset());
  after(() => h.close());

  const assertClean = (text: string, expectedFailures: number) => {
    assert.deepEqual(sentinelsIn(text), []);
    assert.doesNotMatch(text, /SENTINEL/, "no sentinel, whole or in part");
    assert.equal(text.match(/"msg":"delivery failed"/g)?.length, expectedFailures, `the failures were logged:\n${text}`);
  };

  it("PagerDuty: a 400 and 500s that echo the request (routing key included)", async () => {
    h.pd.reply = (req) => ({ status: 400, body: `invalid event ${req.body} at ${req.path}` });
    const rejected = await run(pd(), alarm());
    assert.ok(h.pd.requests[0].body.includes(SENTINEL.pagerdutyKey), "the sentinel key was really sent");
    assertClean(rejected, 1);
    assert.match(rejected, /\[redacted\]/, "the echoed key was redacted, not dropped with the body");

    h.reset();
    h.pd.reply = (req) => ({ status: 500, headers: { "retry-after": "0" }, body: req.body });
    assertClean(await run(pd(), alarm(), 600), 1);
  });

  it("Slack: a 404 echoing the webhook path, a timeout, an unresolvable webhook host", async () => {
    h.slack.reply = (req) => ({ status: 404, body: `no_service ${req.path}` });
    const notFound = await run(slack(), alarm());
    assert.ok(h.slack.requests[0].path.endsWith(SLACK_TOKEN), "the sentinel webhook was really called");
    assertClean(notFound, 1);

    h.reset();
    h.slack.reply = () => "hang";
    assertClean(await run(slack(), alarm(), 700), 1);

    h.reset();
    assertClean(await run(slack(), alarm(TOPICS.warning), 700), 1);
  });

  it("Slack: a network error whose message and cause carry the webhook URL", async () => {
    const leaky: typeof fetch = async (input) => {
      const url = input instanceof Request ? input.url : String(input);
      throw new TypeError(`fetch failed: connect ECONNREFUSED ${url}`, { cause: Object.assign(new Error(`connect ECONNREFUSED ${url}`), { code: "ECONNREFUSED" }) });
    };
    const text = await run(slack(leaky), alarm(), 500);
    assertClean(text, 1);
    assert.match(text, /"cause":"network","code":"ECONNREFUSED"/);
  });

  describe("the redactor", () => {
    const logged = (secret: string, fields: Record<string, unknown>): string => {
      const lines: string[] = [];
      const log = createLogger((_level, line) => lines.push(line));
      log.redact(secret);
      log.error("delivery failed", fields);
      return lines.join("\n");
    };

    it("redacts a key echoed across the cut of a long body whole, before cutting", () => {
      const key = "SENTINEL-PAGERDUTY-KEY-ACROSS-THE-CUT";
      const body = `${"x".repeat(FIELD_MAX - 10)}${key}${"y".repeat(100)}`;
      const line = logged(key, { body });
      assert.doesNotMatch(line, /SENTINEL/);
      assert.ok(JSON.parse(line).body.length <= FIELD_MAX + 1, "the field is still cut");
    });

    it("redacts a key containing a quote or a backslash, as JSON writes it in the line", () => {
      for (const key of ['SENTINEL"quoted"key-12', "SENTINEL\\back\\slash-34"]) assert.doesNotMatch(logged(key, { body: `echo ${key}` }), /SENTINEL/, key);
    });

    it("redacts a token carried in a webhook URL's query string, alone or whole", () => {
      const url = "https://hooks.example/services/hook?token=SENTINEL-QUERY-TOKEN-77";
      assert.doesNotMatch(logged(url, { body: "bad token SENTINEL-QUERY-TOKEN-77", url: "?token=SENTINEL-QUERY-TOKEN-77" }), /SENTINEL/);
    });
  });
});
