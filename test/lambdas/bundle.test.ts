// The shipped artifact: each esbuild bundle is required as Lambda would load it and run against
// the local stand-ins; it must send exactly what the sources send.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { pathToFileURL } from "node:url";
import { bundleLambda } from "../../lambdas/bundle";
import { FORWARDERS } from "../../lambdas/contract";
import { createPagerDutyHandler } from "../../lambdas/pagerduty";
import { createSlackHandler } from "../../lambdas/slack";
import { Handler } from "../../lambdas/shared/forwarder";
import { writeRunnable } from "../../tools/lambda-runnable";
import { lambdaContext, rdsAlarm, record, snsEvent } from "./events";
import { bodies, Harness, startHarness } from "./harness";

describe("lambdas: esbuild bundles", () => {
  let h: Harness;
  const dirs: string[] = [];
  const savedEnv = { ...process.env };
  const quiet = { log: console.log, warn: console.warn, error: console.error };

  before(async () => {
    h = await startHarness();
    Object.assign(process.env, h.pdEnv, h.slackEnv);
    Object.assign(console, { log: () => {}, warn: () => {}, error: () => {} });
  });
  beforeEach(() => h.reset());
  after(async () => {
    Object.assign(console, quiet);
    for (const key of [...Object.keys(h.pdEnv), ...Object.keys(h.slackEnv)]) if (!(key in savedEnv)) delete process.env[key];
    await h.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Loads the bundle the way the Lambda Node.js runtime does: a dynamic import of index.js. */
  const load = async (name: (typeof FORWARDERS)[number]): Promise<Handler> => {
    const { dir, file } = writeRunnable(bundleLambda(name).code, name);
    dirs.push(dir);
    return ((await import(pathToFileURL(file).href)) as { handler: Handler }).handler;
  };

  it("is one self-contained file: it requires nothing but Node's own modules (no AWS SDK at cold start)", () => {
    for (const name of FORWARDERS) {
      const { code } = bundleLambda(name);
      const requires = [...new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))].filter((r) => !r.startsWith("node:"));
      assert.deepEqual(requires, [], name);
    }
  });

  it("PagerDuty bundle: retries a 429, then sends what the sources send", async () => {
    const events = [snsEvent(record(rdsAlarm("ALARM"))), snsEvent(record(rdsAlarm("OK")))];
    const fromSources = createPagerDutyHandler({ env: h.pdEnv });
    for (const e of events) await fromSources(e, lambdaContext());
    const expected = bodies(h.pd);

    h.reset();
    const answers = [{ status: 429, headers: { "retry-after": "0" } }];
    h.pd.reply = () => answers.shift() ?? { status: 202, body: "{}" };
    const handler = await load("pagerduty");
    for (const e of events) await handler(e, lambdaContext());
    assert.equal(h.pd.requests.length, 3);
    assert.deepEqual(bodies(h.pd).slice(1), expected);
  });

  it("Slack bundle: sends what the sources send, and fails the invocation on a 4xx", async () => {
    const event = snsEvent(record(rdsAlarm("ALARM")));
    await createSlackHandler({ env: h.slackEnv })(event, lambdaContext());
    const expected = bodies(h.slack);

    h.reset();
    const handler = await load("slack");
    await handler(event, lambdaContext());
    assert.deepEqual(bodies(h.slack), expected);
    h.slack.reply = () => ({ status: 403, body: "invalid_token" });
    await assert.rejects(handler(event, lambdaContext()), /1 of 1 record\(s\) not delivered/);
  });
});
