// Alertmanager's API v2 as the test-alert command and the e2e test use it: post alerts straight
// to Alertmanager, as Prometheus would.
import { SEVERITIES } from "../settings";
import { type ApiAccess, type Response, apiFetch, whyUnanswered } from "../tools/prometheus-api";

export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

export interface TestAlertOptions {
  severity: string;
  plane: string;
  service: string;
  alertname?: string;
  summary?: string;
  /** How long the alert stays firing unless posted again, in minutes. */
  minutes?: number;
}

export class AlertInputError extends Error {}

/** The reference's "Send Test Alert": one alert carrying the labels routing looks at. */
export function testAlert(o: TestAlertOptions, now = new Date()): PostableAlert {
  const oneOf = (flag: string, value: string, allowed: readonly string[]) => {
    if (!allowed.includes(value)) throw new AlertInputError(`--${flag} ${JSON.stringify(value)} is not allowed; use one of: ${allowed.join(", ")}`);
  };
  oneOf("severity", o.severity, SEVERITIES);
  if (!/^[a-z][a-z0-9]{0,19}$/.test(o.plane)) throw new AlertInputError(`--plane ${JSON.stringify(o.plane)} must be a plane name such as app (one of the stack's planes)`);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(o.service)) throw new AlertInputError(`--service ${JSON.stringify(o.service)} must be a service name such as cns-service`);
  const minutes = o.minutes ?? 5;
  if (!Number.isFinite(minutes) || minutes < 0) throw new AlertInputError(`--minutes ${o.minutes} must be a number of minutes, 0 or more (0 resolves an earlier test alert now)`);
  const alertname = o.alertname ?? "TestAlert";
  return {
    labels: { alertname, severity: o.severity, plane: o.plane, service: o.service },
    annotations: {
      summary: o.summary ?? `Test alert for ${o.service} (${o.plane} plane, ${o.severity})`,
      description: "Sent by npm run test-alert to check that notifications reach their receivers.",
    },
    startsAt: now.toISOString(),
    endsAt: new Date(now.getTime() + minutes * 60_000).toISOString(),
  };
}


/** POST /api/v2/alerts; throws with Alertmanager's answer when it refuses. */
export async function postAlerts(alertmanagerUrl: string, alerts: PostableAlert[], access: ApiAccess = {}): Promise<void> {
  const url = `${alertmanagerUrl.replace(/\/+$/, "")}/api/v2/alerts`;
  let res: Response;
  try {
    res = await apiFetch(url, access, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(alerts) });
  } catch (err) {
    throw new AlertInputError(`could not reach Alertmanager at ${url}: ${whyUnanswered(err, url, access)}`);
  }
  if (res.status === 401) throw new AlertInputError(unauthorized(url, access));
  if (!res.ok) throw new AlertInputError(`Alertmanager at ${url} answered ${res.status}: ${await res.text()}`);
}

const unauthorized = (url: string, access: ApiAccess) =>
  access.credentials
    ? `Alertmanager at ${url} refused the API user's password (401): check the file given with --password-file`
    : `Alertmanager at ${url} requires the API user's password (401): pass --password-file <file> (pulumi stack output --show-secrets apiPassword > file)`;

interface GettableAlert {
  fingerprint: string;
  labels: Record<string, string>;
  status: { state: string; inhibitedBy: string[]; silencedBy: string[] };
}

/**
 * What Alertmanager does with a posted alert now: active (it notifies), or suppressed, with the
 * names of the alerts that inhibit it and the silences that silence it.
 */
export async function alertState(
  alertmanagerUrl: string,
  labels: Record<string, string>,
  access: ApiAccess = {},
): Promise<{ state: string; inhibitedBy: string[]; silencedBy: string[] } | undefined> {
  const base = `${alertmanagerUrl.replace(/\/+$/, "")}/api/v2/alerts`;
  const get = async (query: string): Promise<GettableAlert[]> => {
    const res = await apiFetch(`${base}${query}`, access);
    if (res.status === 401) throw new AlertInputError(unauthorized(base, access));
    if (!res.ok) throw new AlertInputError(`Alertmanager at ${base} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as GettableAlert[];
  };
  const filter = Object.entries(labels).map(([k, v]) => `filter=${encodeURIComponent(`${k}=${JSON.stringify(v)}`)}`).join("&");
  const [mine] = await get(`?${filter}`);
  if (!mine) return undefined;
  const { inhibitedBy, silencedBy, state } = mine.status;
  const names = inhibitedBy.length > 0 ? new Map((await get("")).map((a) => [a.fingerprint, `${a.labels.alertname}${a.labels.service ? ` (${a.labels.service})` : ""}`])) : new Map<string, string>();
  return { state, inhibitedBy: inhibitedBy.map((f) => names.get(f) ?? f), silencedBy };
}
