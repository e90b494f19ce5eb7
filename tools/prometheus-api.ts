// Reading a running Prometheus over its HTTP API, as the deploy gate (and later the doctor and
// report) do: instant queries, with the API user's password when the stack's APIs require it.
import * as fs from "node:fs";

export class PrometheusUnreachable extends Error {
  override name = "PrometheusUnreachable";
}

/** Basic auth of the stack's API user (HA, or APIs published beyond loopback). */
export interface ApiCredentials {
  user: string;
  password: string;
}

/** The Authorization header of basic auth (none without credentials). */
export const basicAuthHeader = (c?: ApiCredentials): Record<string, string> =>
  c ? { authorization: `Basic ${Buffer.from(`${c.user}:${c.password}`).toString("base64")}` } : {};

/** A Prometheus or Alertmanager API. */
export interface PrometheusApi {
  url: string;
  credentials?: ApiCredentials;
  timeoutMs?: number;
}

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** The API password from a file (`pulumi stack output --show-secrets apiPassword > file`), trimmed. */
export function readPasswordFile(file: string): string {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch (err) {
    throw new PrometheusUnreachable(`--password-file ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** An instant query's vector; throws PrometheusUnreachable (with the reason) when there is no answer to trust. */
export async function instantQuery(api: PrometheusApi, query: string): Promise<Sample[]> {
  const url = `${api.url.replace(/\/+$/, "")}/api/v1/query?query=${encodeURIComponent(query)}`;
  let res: Response;
  try {
    res = await fetch(url, { headers: basicAuthHeader(api.credentials), signal: AbortSignal.timeout(api.timeoutMs ?? 10_000) });
  } catch (err) {
    throw new PrometheusUnreachable(`Prometheus at ${api.url} did not answer: ${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}`);
  }
  if (res.status === 401) throw new PrometheusUnreachable(`Prometheus at ${api.url} requires the API user's password (401): pass --password-file <file>`);
  const body = (await res.json().catch(() => undefined)) as { status?: string; error?: string; data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } } | undefined;
  if (!res.ok || body?.status !== "success" || body.data?.resultType !== "vector") {
    throw new PrometheusUnreachable(`Prometheus at ${api.url} answered ${res.status}${body?.error ? `: ${body.error}` : ""}`);
  }
  return body.data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
}
