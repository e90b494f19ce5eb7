// The Lambda handler both forwarders share: read the SNS event, forward every record
// concurrently within one deadline, log each outcome as a JSON line, and fail the invocation
// (so that Lambda retries the event and then dead-letters it) when any record was not
// delivered, but only after every record was attempted.
import type { Context } from "aws-lambda";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { Forwarder } from "../contract";
import { Notification, parseRecord } from "./alarm";
import { Env } from "./config";
import { DEFAULT_TUNING, Deadline, deadlineIn, Delivered, DeliveryError, DeliveryTuning, postJson } from "./delivery";
import { createLogger, LogFields, Logger, LogSink } from "./log";
import { createSecretStore, SecretStore } from "./secrets";

/** Everything a test (or the bench) may replace; the deployed handler uses the defaults. */
export interface ForwarderOptions {
  env?: Env;
  tuning?: Partial<DeliveryTuning>;
  random?: () => number;
  fetch?: typeof fetch;
  logSink?: LogSink;
  ssmClient?: () => SSMClient;
}

export interface ForwardDeps<C> {
  config: C;
  secrets: SecretStore;
  deadline: Deadline;
  log: Logger;
  post(url: string, body: unknown): Promise<Delivered>;
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
  return n.kind === "alarm" ? { ...base, alarm: n.alarm.name, state: n.alarm.state } : { ...base, subject: n.subject };
}

export function createForwarder<C>(spec: ForwarderSpec<C>, options: ForwarderOptions = {}): Handler {
  const log = createLogger(options.logSink).with({ forwarder: spec.name });
  const secrets = createSecretStore(log, options.ssmClient);
  const tuning = { ...DEFAULT_TUNING, ...options.tuning };
  const random = options.random ?? Math.random;
  let config: C | undefined;

  async function forwardRecord(record: unknown, index: number, deps: Omit<ForwardDeps<C>, "log">, rlog: Logger): Promise<boolean> {
    let notification: Notification;
    try {
      notification = parseRecord(record);
    } catch (error) {
      rlog.error("record cannot be forwarded: it carries no SNS message", { record: index, ...errorFields(error) });
      return false;
    }
    const nlog = rlog.with({ record: index, ...notificationFields(notification) });
    if (notification.kind === "message" && notification.problems.length > 0) {
      nlog.warn("message looks like a CloudWatch alarm but cannot be read as one; forwarding it as a plain message", { problems: notification.problems });
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
      config ??= spec.readConfig(options.env ?? process.env);
    } catch (error) {
      rlog.error("configuration is invalid; no record can be forwarded", { ...errorFields(error), records: records.length });
      throw new UndeliveredError(`configuration is invalid; ${records.length} record(s) not delivered`);
    }
    const deadline = deadlineIn(context.getRemainingTimeInMillis() - tuning.safetyMarginMs);
    const deps = { config, secrets, deadline, post: (url: string, body: unknown) => postJson(url, body, deadline, { tuning, random, fetch: options.fetch }) };
    const delivered = await Promise.all(records.map((r, i) => forwardRecord(r, i, deps, rlog)));
    const failed = delivered.flatMap((ok, i) => (ok ? [] : [i]));
    if (failed.length > 0) {
      rlog.error("invocation failed: some records were not delivered; Lambda retries the event, then dead-letters it", { failedRecords: failed, records: records.length });
      throw new UndeliveredError(`${failed.length} of ${records.length} record(s) not delivered (record ${failed.join(", ")})`);
    }
  };
}
