// Fault injection: hundreds of events against stand-ins that answer 429 (with Retry-After),
// 5xx, hang past the timeout, or drop the connection, chosen by a seeded generator per
// (alarm, attempt) so every run sees the same faults. Each failed invocation is retried the
// way Lambda retries asynchronous invocations (twice), then dead-lettered. The invariant:
// every record is delivered or its event ends in the dead-letter queue; none is lost.
import assert from "node:assert/strict";
import { createPagerDutyHandler } from "../../lambdas/pagerduty";
import { dedupKey } from "../../lambdas/pagerduty/event";
import { createSlackHandler } from "../../lambdas/slack";
import { Handler } from "../../lambdas/shared/forwarder";
import { lambdaContext, rdsAlarm, record, snsEvent, TOPICS } from "./events";
import { Harness, startHarness } from "./harness";
import { Recorded, Reply } from "./servers";

const SEED = 0x5eed2024;
const EVENTS = 200;
const LAMBDA_ATTEMPTS = 3; // the first invocation and Lambda's two asynchronous retries
// The per-attempt timeout is far above event-loop lag and the budget (2.9 s) exceeds the worst
// retry sequence (5 × (300 ms + 40 ms)), so which records fail depends on the seeded faults,
// not on how busy the machine is.
const TUNING = { requestTimeoutMs: 300, retryLimit: 4, backoffBaseMs: 5, backoffMaxMs: 40, safetyMarginMs: 100 };
const REMAINING_MS = 3_000;
const CONCURRENCY = 10;

/** mulberry32: a small seeded generator. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fnv1a = (s: string): number => [...s].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0, 0x811c9dc5);

type Fault = "accept" | "429-retry-now" | "429-retry-later" | "500" | "503" | "hang" | "drop" | "accept-then-drop" | "reject-400";
const FAULTS: [Fault, number][] = [
  ["accept", 0.35],
  ["429-retry-now", 0.12],
  ["429-retry-later", 0.03],
  ["500", 0.12],
  ["503", 0.08],
  ["hang", 0.1],
  ["drop", 0.1],
  ["accept-then-drop", 0.1],
];

/** Alarms whose every delivery is refused with a 400: they must end dead-lettered, not retried. */
const poisoned = (n: number) => n % 41 === 7;

interface FaultServer {
  /** Alarm name → deliveries attempted. */
  attempts: Map<string, number>;
  /** Alarm name → how many deliveries the receiver accepted (processed, even if the answer was lost). */
  accepted: Map<string, number>;
  /** Accepted PagerDuty dedup_keys per alarm. */
  dedupKeys: Map<string, Set<string>>;
  faults: Map<Fault, number>;
  reply: (req: Recorded) => Reply;
}

function faultServer(okStatus: number): FaultServer {
  const attempts = new Map<string, number>();
  const s: FaultServer = { attempts, accepted: new Map(), dedupKeys: new Map(), faults: new Map(), reply: () => "drop" };
  s.reply = (req) => {
    const alarm = /fault-alarm-\d+/.exec(req.body)?.[0] ?? "unknown";
    const attempt = (attempts.get(alarm) ?? 0) + 1;
    attempts.set(alarm, attempt);
    const fault = poisoned(Number(alarm.split("-")[2])) ? "reject-400" : pick(seeded(SEED ^ fnv1a(`${alarm}#${attempt}`))());
    s.faults.set(fault, (s.faults.get(fault) ?? 0) + 1);
    if (fault === "accept" || fault === "accept-then-drop") {
      s.accepted.set(alarm, (s.accepted.get(alarm) ?? 0) + 1);
      const key = (JSON.parse(req.body) as { dedup_key?: string }).dedup_key;
      if (key) s.dedupKeys.set(alarm, (s.dedupKeys.get(alarm) ?? new Set()).add(key));
    }
    switch (fault) {
      case "accept":
        return { status: okStatus, body: okStatus === 200 ? "ok" : '{"status":"success"}' };
      case "429-retry-now":
        return { status: 429, headers: { "retry-after": "0" } };
      case "429-retry-later":
        return { status: 429, headers: { "retry-after": "30" } };
      case "500":
      case "503":
        return { status: Number(fault) };
      case "reject-400":
        return { status: 400, body: "invalid_payload" };
      case "hang":
        return "hang";
      default:
        return "drop";
    }
  };
  return s;
}

function pick(r: number): Fault {
  let acc = 0;
  for (const [fault, p] of FAULTS) if (r < (acc += p)) return fault;
  return "drop";
}

/** 200 events of one to three records each; alarms alternate ALARM and OK, all on configured topics. */
function faultEvents(): { alarms: string[]; event: ReturnType<typeof snsEvent> }[] {
  const rng = seeded(SEED);
  let n = 0;
  return Array.from({ length: EVENTS }, (_, e) => {
    const alarms = Array.from({ length: 1 + Math.floor(rng() * 3) }, () => `fault-alarm-${n++}`);
    const records = alarms.map((name, i) =>
      record(rdsAlarm(i % 2 === 0 ? "ALARM" : "OK", { AlarmName: name, AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}` }), {
        topicArn: e % 2 === 0 ? TOPICS.critical : TOPICS.warning,
        messageId: `msg-${name}`,
      }),
    );
    return { alarms, event: snsEvent(...records) };
  });
}

interface Tally {
  events: number;
  records: number;
  invocations: number;
  delivered: number;
  deadLettered: number;
  lost: string[];
}

/** Invokes each event the way Lambda's asynchronous invocation does: up to three times, then the DLQ. */
async function invokeAll(handler: Handler, server: FaultServer): Promise<Tally> {
  const events = faultEvents();
  const tally: Tally = { events: events.length, records: events.reduce((n, e) => n + e.alarms.length, 0), invocations: 0, delivered: 0, deadLettered: 0, lost: [] };
  let next = 0;
  const worker = async () => {
    while (next < events.length) {
      const { alarms, event } = events[next++];
      let succeeded = false;
      for (let attempt = 1; attempt <= LAMBDA_ATTEMPTS && !succeeded; attempt++) {
        tally.invocations++;
        succeeded = await handler(event, lambdaContext(REMAINING_MS, `req-${alarms[0]}-${attempt}`)).then(
          () => true,
          () => false,
        );
      }
      if (succeeded) tally.delivered++;
      else tally.deadLettered++;
      // An invocation that succeeded must have had every one of its records accepted.
      if (succeeded) tally.lost.push(...alarms.filter((a) => !server.accepted.has(a)));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return tally;
}

/** Failed deliveries by cause, from the forwarder's own log lines. */
function causes(logs: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of logs) {
    const l = JSON.parse(line) as { msg: string; cause?: string };
    if (l.msg === "delivery failed") counts[l.cause ?? "other"] = (counts[l.cause ?? "other"] ?? 0) + 1;
  }
  return counts;
}

function report(name: string, tally: Tally, server: FaultServer, logs: string[], extra: Record<string, unknown> = {}) {
  const acceptedRequests = [...server.accepted.values()].reduce((a, b) => a + b, 0);
  console.log(
    `      ${name}: ${JSON.stringify({ ...tally, lost: tally.lost.length, acceptedAlarms: server.accepted.size, acceptedRequests, duplicatesCollapsed: acceptedRequests - server.accepted.size, ...extra })}`,
  );
  console.log(`      ${name} faults served: ${JSON.stringify(Object.fromEntries([...server.faults].sort()))}`);
  console.log(`      ${name} failed deliveries by cause: ${JSON.stringify(causes(logs))}`);
}

/**
 * A 400 is never retried by the forwarder, only re-invoked by Lambda: each invocation of a poisoned
 * alarm ends on the 400 it read ("rejected"), never retrying it into an "http" failure. Read from
 * the forwarder's own log, not from attempt counts: on a busy machine an answer can arrive after
 * the per-attempt timeout, and that attempt is rightly retried as a timeout.
 */
function assertPoisonNotRetried(server: FaultServer, logs: string[]) {
  const poison = [...server.attempts].filter(([alarm]) => poisoned(Number(alarm.split("-")[2])));
  assert.ok(poison.length > 0);
  const failures = logs.map((l) => JSON.parse(l) as { msg: string; alarm?: string; cause?: string; attempts?: number }).filter((l) => l.msg === "delivery failed");
  let endedOnFirst400 = 0;
  for (const [alarm, n] of poison) {
    const mine = failures.filter((f) => f.alarm === alarm);
    assert.equal(mine.length, LAMBDA_ATTEMPTS, `${alarm}: every Lambda invocation failed it once`);
    assert.ok(n >= LAMBDA_ATTEMPTS, `${alarm}: reached the receiver in every invocation`);
    for (const f of mine) assert.ok(["rejected", "timeout", "deadline"].includes(f.cause ?? ""), `${alarm}: ${f.cause} (a 400 must end the invocation, not be retried)`);
    endedOnFirst400 += mine.filter((f) => f.cause === "rejected" && f.attempts === 1).length;
  }
  assert.ok(endedOnFirst400 > 0, "some invocation read its 400 at once and stopped there");
}

function assertNoneLost(tally: Tally, server: FaultServer) {
  assert.deepEqual(tally.lost, [], "records of a successful invocation that the receiver never accepted");
  assert.equal(tally.delivered + tally.deadLettered, tally.events);
  assert.ok(tally.delivered > 0 && tally.deadLettered > 0, "both outcomes occur, or the faults prove nothing");
  for (const fault of [...FAULTS.map(([f]) => f), "reject-400" as const]) assert.ok((server.faults.get(fault) ?? 0) > 0, `fault ${fault} was served`);
}

describe("lambdas: fault injection (seeded)", function () {
  this.timeout(60_000);
  let h: Harness;
  const logs: string[] = [];
  const logSink = (_: unknown, line: string) => logs.push(line);

  before(async () => {
    h = await startHarness();
  });
  beforeEach(() => {
    logs.length = 0;
  });
  after(() => h.close());

  it(`PagerDuty: ${EVENTS} events, none lost, one dedup_key per alarm however often it was sent`, async () => {
    const server = faultServer(202);
    h.pd.reply = server.reply;
    const tally = await invokeAll(createPagerDutyHandler({ env: h.pdEnv, logSink, tuning: TUNING, random: seeded(SEED + 1) }), server);
    const keys = [...server.dedupKeys.values()].reduce((n, s) => n + s.size, 0);
    report("pagerduty", tally, server, logs, { distinctDedupKeys: keys });
    assertNoneLost(tally, server);
    assertPoisonNotRetried(server, logs);
    assert.equal(keys, server.accepted.size, "each alarm reached PagerDuty under exactly one dedup_key");
    for (const [alarm, set] of server.dedupKeys) assert.deepEqual([...set], [dedupKey(`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${alarm}`)]);
  });

  it(`Slack: ${EVENTS} events, none lost`, async () => {
    const server = faultServer(200);
    h.slack.reply = server.reply;
    const tally = await invokeAll(createSlackHandler({ env: h.slackEnv, logSink, tuning: TUNING, random: seeded(SEED + 2) }), server);
    report("slack", tally, server, logs);
    assertNoneLost(tally, server);
    assertPoisonNotRetried(server, logs);
  });
});
