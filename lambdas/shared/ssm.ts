// GetParameter (with decryption) as one SigV4-signed HTTPS request: aws4fetch signs, ky sends
// with a timeout per attempt and retries on throttling (429, or SSM's 400 ThrottlingException),
// 5xx and network errors. This replaces
// the AWS SDK's SSM client, whose import alone took most of a cold start. Region, credentials
// and an endpoint override (AWS_ENDPOINT_URL_SSM, as the SDK reads it) come from the
// environment Lambda provides.
import ky, { HTTPError } from "ky";
import { signedService, type SignedService } from "./aws-client";
import { Env } from "./config";

export class SecretReadError extends Error {
  override name = "SecretReadError";
}

export interface SsmOptions {
  env: Env;
  /** Each attempt is abandoned after this long. */
  timeoutMs: number;
  retries: number;
}

export type ParameterReader = (name: string, signal?: AbortSignal) => Promise<string>;

/** 400 only for throttling (SSM answers ThrottlingException with a 400), see shouldRetry. */
const RETRYABLE = [400, 429, 500, 502, 503, 504];
const THROTTLED = new Set(["ThrottlingException", "TooManyUpdates", "RateExceeded"]);

/** SSM's JSON error type without its namespace: `com.amazonaws.ssm#ParameterNotFound` → `ParameterNotFound`. */
async function errorCode(error: HTTPError, peek = false): Promise<string> {
  try {
    const body = (await (peek ? error.response.clone() : error.response).json()) as { __type?: string };
    return body.__type?.split("#").pop() ?? `HTTP ${error.response.status}`;
  } catch {
    return `HTTP ${error.response.status}`;
  }
}

export function ssmParameterReader(options: SsmOptions): ParameterReader {
  const { env } = options;
  let client: SignedService | undefined;
  return async (name, signal) => {
    client ??= signedService(env, "ssm", "SSM");
    const request = await client.aws.sign(client.url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AmazonSSM.GetParameter" },
      body: JSON.stringify({ Name: name, WithDecryption: true }),
    });
    let value: unknown;
    try {
      const answer = await ky(request, {
        timeout: options.timeoutMs,
        signal,
        retry: {
          limit: options.retries,
          methods: ["post"],
          statusCodes: RETRYABLE,
          retryOnTimeout: true,
          backoffLimit: 1_000,
          // A burst of cold forwarders is throttled: retry that 400, and no other (a missing parameter stays missing).
          shouldRetry: async ({ error }) => (error instanceof HTTPError && error.response.status === 400 ? THROTTLED.has(await errorCode(error, true)) : undefined),
        },
      }).json<{ Parameter?: { Value?: unknown } }>();
      value = answer.Parameter?.Value;
    } catch (error) {
      // Names the parameter and SSM's error code, never a value (the answer holds none on error).
      const code = error instanceof HTTPError ? await errorCode(error) : (error as Error).name;
      throw new SecretReadError(`SSM parameter ${name} could not be read (${code})`);
    }
    if (typeof value !== "string" || value === "") throw new SecretReadError(`SSM parameter ${name} is empty`);
    return value;
  };
}
