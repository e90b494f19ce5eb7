// POSTs JSON with a timeout on each attempt and retries (exponential backoff with full jitter,
// Retry-After honoured) on 429, 5xx, timeouts and network errors, all inside one deadline that
// ends before the Lambda does. Other answers are final. ky does the retry loop; this module
// decides what is retryable within the deadline and describes failures without the URL
// (a Slack webhook URL is itself a secret).
import ky, { HTTPError, TimeoutError } from "ky";

export interface DeliveryTuning {
  /** Each attempt is abandoned after this long. */
  requestTimeoutMs: number;
  /** Most retries after the first attempt (the deadline usually ends them sooner). */
  retryLimit: number;
  /** First backoff; it doubles per retry, is capped at `backoffMaxMs` and jittered. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Kept free before the Lambda's timeout for logging and returning the failure. */
  safetyMarginMs: number;
}

export const DEFAULT_TUNING: DeliveryTuning = {
  requestTimeoutMs: 5_000,
  retryLimit: 10,
  backoffBaseMs: 300,
  backoffMaxMs: 5_000,
  safetyMarginMs: 2_000,
};

/** 429 and every 5xx; other 4xx answers (a bad payload, a revoked webhook) are final. */
export const RETRYABLE_STATUSES = [429, ...Array.from({ length: 100 }, (_, i) => 500 + i)];

export interface Deadline {
  /** Epoch milliseconds at which every delivery must have given up. */
  at: number;
  signal: AbortSignal;
}

export function deadlineIn(ms: number): Deadline {
  const budget = Math.max(0, Math.floor(ms));
  return { at: Date.now() + budget, signal: AbortSignal.timeout(budget) };
}

export interface DeliveryOptions {
  tuning: DeliveryTuning;
  /** Jitter source in [0, 1); tests seed it. */
  random: () => number;
  fetch?: typeof fetch;
}

export interface Delivered {
  status: number;
  attempts: number;
}

export type FailureCause =
  | { cause: "rejected"; status: number; body: string }
  | { cause: "http"; status: number; body: string }
  | { cause: "retry-after-beyond-deadline"; status: number; retryAfterMs: number }
  | { cause: "timeout"; timeoutMs: number }
  | { cause: "network"; code?: string }
  | { cause: "deadline" };

/** A delivery that did not succeed; its message and fields never contain the URL. */
export class DeliveryError extends Error {
  override name = "DeliveryError";
  constructor(
    readonly failure: FailureCause,
    readonly attempts: number,
  ) {
    super(`${summarise(failure)} after ${attempts} attempt(s)`);
  }
}

function summarise(f: FailureCause): string {
  switch (f.cause) {
    case "rejected":
      return `rejected with HTTP ${f.status} (not retryable)`;
    case "http":
      return `HTTP ${f.status}`;
    case "retry-after-beyond-deadline":
      return `HTTP ${f.status} asked to retry after ${f.retryAfterMs} ms, beyond the deadline`;
    case "timeout":
      return `no answer within ${f.timeoutMs} ms`;
    case "network":
      return `network error${f.code ? ` ${f.code}` : ""}`;
    case "deadline":
      return "retry budget used up before the Lambda timeout";
  }
}

/** What is kept of a body: well beyond what a log line shows (log.ts cuts after redacting, so a secret across that cut is redacted whole). */
const SNIPPET_CHARS = 4_096;

/** Reads at most a snippet of a body, giving up after `ms` (a stalled body must not hang us). */
async function snippet(response: Response, ms: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve("(body not received)"), Math.max(1, ms));
  });
  try {
    return (await Promise.race([response.text(), stalled])).slice(0, SNIPPET_CHARS);
  } catch {
    return "(body not readable)";
  } finally {
    clearTimeout(timer);
  }
}

/** Retry-After in ms (seconds or an HTTP date); undefined when absent or unreadable (then plain backoff applies). */
function retryAfterMs(error: Error): number | undefined {
  if (!(error instanceof HTTPError)) return undefined;
  const header = error.response.headers.get("retry-after")?.trim();
  if (!header) return undefined;
  if (/^\d+(\.\d+)?$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** A retryable answer whose rate-limit header ky would read but that says nothing usable: ky would wait on NaN. */
const unreadableRetryAfter = (error: Error): boolean =>
  error instanceof HTTPError &&
  RETRYABLE_STATUSES.includes(error.response.status) &&
  ["retry-after", "ratelimit-reset", "x-ratelimit-retry-after", "x-ratelimit-reset", "x-rate-limit-reset"].some((h) => error.response.headers.has(h)) &&
  retryAfterMs(error) === undefined;

function networkCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === "string" ? cause.code : undefined;
}

export async function postJson(url: string, body: unknown, deadline: Deadline, options: DeliveryOptions): Promise<Delivered> {
  const { tuning } = options;
  let attempts = 0;
  let beyondDeadline: FailureCause | undefined;
  const timeoutMs = Math.max(1, Math.min(tuning.requestTimeoutMs, deadline.at - Date.now()));
  try {
    const response = await ky.post(url, {
      json: body,
      // A redirect is not the documented success: following it would POST nowhere (or GET) and log "delivered".
      redirect: "manual",
      timeout: timeoutMs,
      signal: deadline.signal,
      fetch: options.fetch,
      retry: {
        limit: tuning.retryLimit,
        methods: ["post"],
        statusCodes: RETRYABLE_STATUSES,
        afterStatusCodes: RETRYABLE_STATUSES,
        retryOnTimeout: true,
        delay: (n) => tuning.backoffBaseMs * 2 ** (n - 1),
        backoffLimit: tuning.backoffMaxMs,
        jitter: (d) => options.random() * d,
        shouldRetry: ({ error }) => {
          if (deadline.signal.aborted) return false;
          // true: retry with our backoff, not ky's reading of the header.
          if (unreadableRetryAfter(error)) return true;
          const after = retryAfterMs(error);
          if (after !== undefined && Date.now() + after >= deadline.at && error instanceof HTTPError) {
            beyondDeadline = { cause: "retry-after-beyond-deadline", status: error.response.status, retryAfterMs: after };
            return false;
          }
          return undefined;
        },
      },
      hooks: { beforeRequest: [() => void attempts++] },
    });
    await snippet(response, deadline.at - Date.now());
    return { status: response.status, attempts };
  } catch (error) {
    throw new DeliveryError(await failureOf(error, deadline, timeoutMs, beyondDeadline), attempts);
  }
}

async function failureOf(error: unknown, deadline: Deadline, timeoutMs: number, beyondDeadline?: FailureCause): Promise<FailureCause> {
  if (beyondDeadline) return beyondDeadline;
  if (error instanceof HTTPError) {
    const { status } = error.response;
    const body = await snippet(error.response, Math.min(1_000, deadline.at - Date.now()));
    return RETRYABLE_STATUSES.includes(status) ? { cause: "http", status, body } : { cause: "rejected", status, body };
  }
  if (deadline.signal.aborted) return { cause: "deadline" };
  if (error instanceof TimeoutError) return { cause: "timeout", timeoutMs };
  return { cause: "network", code: networkCode(error) };
}
