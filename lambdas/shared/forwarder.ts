// The Lambda handler both forwarders share: read the SNS event, forward every record
// concurrently within one deadline, log each outcome as a JSON line, and fail the invocation
// (so that Lambda retries the event and then dead-letters it) when any record was not
// delivered, but only after every record was attempted.
import type { Context } from "aws-lambda";
import { ENV, Forwarder } from "../contract";
import { Notification, parseRecord } from "./alarm";
import { AlarmState, AlarmStateReader, cloudWatchAlarmReader } from "./cloudwatch";
import { Env, secondsFrom } from "./config";
import { DEFAULT_TUNING, Deadline, deadlineIn, Delivered, DeliveryError, DeliveryTuning, FailureCause, postJson } from "./delivery";
import { createLogger, LogFields, Logger, LogSink } from "./log";
import { createSecretStore, DEFAULT_SECRET_TTL_MS, SecretStore } from "./secrets";
import { ssmParameterReader } from "./ssm";

/** Everything a test (or the bench) may replace; the deployed handler uses the defaults. */
export interface ForwarderOptions {
  env?: Env;
  tuning?: Partial<DeliveryTuning>;
  random?: () => number;
  /** The fetch deliveries use (tests inject faults); SSM reads use the global one. */
  fetch?: typeof fetch;
  logSink?: LogSink;
  /** Clock of the secret cache; tests move it past the TTL. */
  now?: () => number;
}

export interface ForwardDeps<C> {
  config: C;
  secrets: SecretStore;
  deadline: Deadline;
  log: Logger;
  /** The alarm's current state in CloudWatch (undefined when it cannot be read). */
  alarmState(alarmName: string): Promise<AlarmState | undefined>;
  post(url: string, body: unknown): Promise<Delivered>;
  /**
   * Delivers with the secret held in `parameter`. When the receiver rejects that credential (a
   * rotated routing key or webhook), the secret is read again and, if it changed, delivered
   * once more in the same invocation.
   */
  withSecret(parameter: string, rejected: (failure: FailureCause) => boolean, deliver: (secret: string) => Promise<Delivered>): Promise<Delivered>;
}

export type Outcome = { delivered: Delivered } | { skipped: string };

export interface ForwarderSpec<C> {
  name: Forwarder;
  readConfig(env: Env): C;
  forward(notification: Notification, deps: ForwardDeps<C>): Promise<Outcome>;
}

export type LambdaContext = Pick<Context, "getRemainingTimeInMillis"> & Partial<Pick<Context, "awsRequestId">>;
export type Handler = (event: unknown, context: LambdaContext) => Promise<void>;

/** Thrown to fail the invocation; names the undelivered records, never their content. */
export class UndeliveredError extends Error {
  override name = "UndeliveredError";
}

const errorFields = (error: unknown): LogFields =>
  error instanceof DeliveryError
    ? { error: error.message, ...error.failure, attempts: error.attempts }
    : { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };

function notificationFields(n: Notification): LogFields {
  const base = { messageId: n.messageId, topicArn: n.topicArn, kind: n.kind };
  switch (n.kind) {
    case "alarm":
      return { ...base, alarm: n.alarm.name, state: n.alarm.state };
    case "alertmanager":
      return { ...base, group: n.group.groupLabels, status: n.group.status, alerts: n.group.alerts.length };
    case "message":
      return { ...base, subject: n.subject };
  }
}

/** One SNS record parsed and forwarded; false when it was not delivered (logged with the reason). */
async function forwardRecord<C>(spec: ForwarderSpec<C>, record: unknown, index: number, deps: Omit<ForwardDeps<C>, "log">, rlog: Logger): Promise<boolean> {
  let notification: Notification;
  try {
    notification = parseRecord(record);
  } catch (error) {
    rlog.error("record cannot be forwarded: it carries no SNS message", { record: index, ...errorFields(error) });
    return false;
  }
  const nlog = rlog.with({ record: index, ...notificationFields(notification) });
  if (notification.kind === "message" && notification.problems.length > 0) {
    nlog.warn(`message looks like ${notification.lookedLike} but cannot be read as one; forwarding it as a plain message`, { problems: notification.problems });
  }
  try {
    const outcome = await spec.forward(notification, { ...deps, log: nlog });
    if ("skipped" in outcome) nlog.info("not forwarded", { reason: outcome.skipped });
    else nlog.info("delivered", { status: outcome.delivered.status, attempts: outcome.delivered.attempts });
    return true;
  } catch (error) {
    nlog.error("delivery failed", errorFields(error));
    return false;
  }
}

/** Delivers with the cached secret; when the receiver rejects it, once more with the value SSM holds now (a rotated key). */
function retryingWithFreshSecret<C>(store: SecretStore, deadline: Deadline, rlog: Logger): ForwardDeps<C>["withSecret"] {
  return async (parameter, rejected, deliver) => {
    const first = await store.get(parameter, deadline.signal);
    try {
      return await deliver(first);
    } catch (error) {
      if (!(error instanceof DeliveryError) || !rejected(error.failure)) throw error;
      const fresh = await store.refresh(parameter, deadline.signal);
      if (fresh === first) throw error;
      rlog.info("the receiver rejected the credential; delivering again with the value SSM holds now", { parameter, status: "status" in error.failure ? error.failure.status : undefined });
      return deliver(fresh);
    }
  };
}

export function createForwarder<C>(spec: ForwarderSpec<C>, options: ForwarderOptions = {}): Handler {
  const log = createLogger(options.logSink).with({ forwarder: spec.name });
  const env = options.env ?? process.env;
  const tuning = { ...DEFAULT_TUNING, ...options.tuning };
  let secrets: SecretStore | undefined;
  let alarms: AlarmStateReader | undefined;
  const random = options.random ?? Math.random;
  let config: C | undefined;

  return async (event, context) => {
    const rlog = log.with({ requestId: context.awsRequestId });
    const records = (event as { Records?: unknown } | null)?.Records;
    if (!Array.isArray(records)) {
      rlog.error("event is not an SNS event (no Records array); failing the invocation so it is retried and dead-lettered", {
        eventKeys: typeof event === "object" && event !== null ? Object.keys(event) : typeof event,
      });
      throw new UndeliveredError("event is not an SNS event (no Records array)");
    }
    if (records.length === 0) {
      rlog.warn("event has no records; nothing to forward");
      return;
    }
    try {
      config ??= spec.readConfig(env);
      secrets ??= createSecretStore(log, {
        // Region, credentials and endpoint override are the runtime's variables, not the forwarder's.
        read: ssmParameterReader({ env: process.env, timeoutMs: tuning.requestTimeoutMs, retries: 5 }),
        ttlMs: secondsFrom(env, ENV.secretTtlSeconds, { fallback: DEFAULT_SECRET_TTL_MS / 1000, max: 3600 }) * 1000,
        now: options.now,
      });
    } catch (error) {
      rlog.error("configuration is invalid; no record can be forwarded", { ...errorFields(error), records: records.length });
      throw new UndeliveredError(`configuration is invalid; ${records.length} record(s) not delivered`);
    }
    const deadline = deadlineIn(context.getRemainingTimeInMillis() - tuning.safetyMarginMs);
    const withSecret = retryingWithFreshSecret<C>(secrets!, deadline, rlog);
    const alarmState = async (alarmName: string) => {
      try {
        return await (alarms ??= cloudWatchAlarmReader(process.env, tuning.requestTimeoutMs))(alarmName, deadline.signal);
      } catch (error) {
        // Unknown is not stale: the notification goes on as it came.
        rlog.warn("the alarm's current state could not be read; forwarding the notification as it came", { alarm: alarmName, ...errorFields(error) });
        return undefined;
      }
    };
    const deps = { config, secrets: secrets!, deadline, withSecret, alarmState, post: (url: string, body: unknown) => postJson(url, body, deadline, { tuning, random, fetch: options.fetch }) };
    const delivered = await Promise.all(records.map((r, i) => forwardRecord(spec, r, i, deps, rlog)));
    const failed = delivered.flatMap((ok, i) => (ok ? [] : [i]));
    if (failed.length > 0) {
      rlog.error("invocation failed: some records were not delivered; Lambda retries the event, then dead-letters it", { failedRecords: failed, records: records.length });
      throw new UndeliveredError(`${failed.length} of ${records.length} record(s) not delivered (record ${failed.join(", ")})`);
    }
  };
}
