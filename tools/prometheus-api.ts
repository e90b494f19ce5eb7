// Calling a running Prometheus or Alertmanager over its HTTP API, as the deploy gate, the doctor,
// test-alert and the local pipeline do: with the API user's password when the stack's APIs
// require it, over https verified with the stack's CA (undici, Node's own fetch, is the one that
// takes a CA per request).
import * as fs from "node:fs";
import { Agent, fetch as undiciFetch, type Response } from "undici";

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

/** What a client needs besides the URL: the API user's credentials, and the CA (PEM) an https server's certificate must chain to. */
export interface ApiAccess {
  credentials?: ApiCredentials;
  ca?: string;
}

/** A Prometheus or Alertmanager API. */
export interface PrometheusApi extends ApiAccess {
  url: string;
  timeoutMs?: number;
}

export type { Response };

const agents = new Map<string, Agent>();

/** fetch with the API user's credentials, trusting only the given CA over https (the system's without one). */
export function apiFetch(url: string, access: ApiAccess = {}, init: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {}): Promise<Response> {
  let dispatcher: Agent | undefined;
  if (access.ca) {
    dispatcher = agents.get(access.ca) ?? new Agent({ connect: { ca: access.ca } });
    agents.set(access.ca, dispatcher);
  }
  return undiciFetch(url, {
    method: init.method,
    headers: { ...basicAuthHeader(access.credentials), ...init.headers },
    body: init.body,
    signal: AbortSignal.timeout(init.timeoutMs ?? 10_000),
    dispatcher,
  });
}

/** Why a request got no answer, for a message: the cause (a refused connection, an untrusted certificate), with a hint for the latter. */
export function whyUnanswered(err: unknown, url: string, access: ApiAccess = {}): string {
  const cause = ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message;
  const tls = /certificate|self.signed|CERT_|unable to verify/i.test(cause);
  return tls && url.startsWith("https:") ? `${cause} (${access.ca ? "the certificate does not chain to the CA given with --ca-file" : "pass the stack's CA with --ca-file <file>: pulumi stack output apiCaCertificate > file"})` : cause;
}

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

function readOption(option: string, file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new PrometheusUnreachable(`--${option} ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The API password from a file (`pulumi stack output --show-secrets apiPassword > file`), trimmed. */
export const readPasswordFile = (file: string): string => readOption("password-file", file).trim();

/** The stack's CA from a file (`pulumi stack output apiCaCertificate > file`); refused unless it holds a PEM certificate. */
export function readCaFile(file: string): string {
  const pem = readOption("ca-file", file);
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new PrometheusUnreachable(`--ca-file ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----): write it with pulumi stack output apiCaCertificate > ${file}`);
  return pem;
}

/** The access the tools' --password-file and --ca-file options give. */
export const accessFrom = (values: { "password-file"?: string; "ca-file"?: string }, user: string): ApiAccess => ({
  credentials: values["password-file"] ? { user, password: readPasswordFile(values["password-file"]) } : undefined,
  ca: values["ca-file"] ? readCaFile(values["ca-file"]) : undefined,
});

/** GET an API path of Prometheus and the `data` of its answer; throws PrometheusUnreachable (with the reason) when there is no answer to trust. */
async function apiData<T>(api: PrometheusApi, pathAndQuery: string): Promise<T> {
  const url = `${api.url.replace(/\/+$/, "")}${pathAndQuery}`;
  let res: Response;
  try {
    res = await apiFetch(url, api, { timeoutMs: api.timeoutMs });
  } catch (err) {
    throw new PrometheusUnreachable(`Prometheus at ${api.url} did not answer: ${whyUnanswered(err, url, api)}`);
  }
  if (res.status === 401) throw new PrometheusUnreachable(`Prometheus at ${api.url} requires the API user's password (401): pass --password-file <file>`);
  const body = (await res.json().catch(() => undefined)) as { status?: string; error?: string; data?: T } | undefined;
  if (!res.ok || body?.status !== "success" || body.data === undefined) throw new PrometheusUnreachable(`Prometheus at ${api.url} answered ${res.status}${body?.error ? `: ${body.error}` : ""}`);
  return body.data;
}

/** A query's result, checked to be of `resultType`. */
async function queryData<T>(api: PrometheusApi, pathAndQuery: string, resultType: string): Promise<T[]> {
  const data = await apiData<{ resultType: string; result: T[] }>(api, pathAndQuery);
  if (data.resultType !== resultType) throw new PrometheusUnreachable(`Prometheus at ${api.url} answered a ${data.resultType}, not a ${resultType}`);
  return data.result;
}

/** An instant query's vector, now or at `time` (unix seconds). */
export async function instantQuery(api: PrometheusApi, query: string, time?: number): Promise<Sample[]> {
  const result = await queryData<{ metric: Record<string, string>; value: [number, string] }>(api, `/api/v1/query?query=${encodeURIComponent(query)}${time === undefined ? "" : `&time=${time}`}`, "vector");
  return result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
}

export interface RangeSeries {
  labels: Record<string, string>;
  /** [unix seconds, value] in time order. */
  points: [number, number][];
}

/** Prometheus answers at most 11,000 points per series; a longer range is asked for in chunks. */
const MAX_POINTS = 10_000;

/** A range query's matrix, from start to end (unix seconds) every step seconds, asked for in chunks Prometheus accepts. */
export async function rangeQuery(api: PrometheusApi, query: string, start: number, end: number, step: number): Promise<RangeSeries[]> {
  const bySeries = new Map<string, RangeSeries>();
  for (let from = start; from <= end; from += MAX_POINTS * step) {
    const to = Math.min(end, from + (MAX_POINTS - 1) * step);
    const result = await queryData<{ metric: Record<string, string>; values: [number, string][] }>(
      api,
      `/api/v1/query_range?query=${encodeURIComponent(query)}&start=${from}&end=${to}&step=${step}`,
      "matrix",
    );
    for (const r of result) {
      const key = JSON.stringify(Object.entries(r.metric).sort());
      const series = bySeries.get(key) ?? { labels: r.metric, points: [] };
      series.points.push(...r.values.map(([t, v]): [number, number] => [t, Number(v)]));
      bySeries.set(key, series);
    }
  }
  return [...bySeries.values()];
}

/** The names of the alerting rules Prometheus evaluates (its /api/v1/rules). */
export async function alertingRuleNames(api: PrometheusApi): Promise<string[]> {
  const data = await apiData<{ groups: { rules: { name: string; type: string }[] }[] }>(api, "/api/v1/rules?type=alert");
  return [...new Set(data.groups.flatMap((g) => g.rules.filter((r) => r.type === "alerting").map((r) => r.name)))];
}
