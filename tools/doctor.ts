// What `npm run doctor` checks on a deployed stack, over the HTTP APIs of its Prometheus and
// Alertmanager: each check is one row (PASS or FAIL with the reason); the command prints them and
// exits 1 on any failure. What the stack should look like (its SLOs, its peers) comes from the
// stack file when one is given.
import { SLO_SERIES, WATCHDOG_ALERT } from "../monitoring/conventions";
import { slosOf } from "../monitoring/slo/objectives";
import { stackHosts } from "../monitoring/hosts";
import type { Settings } from "../settings";
import { PrometheusApi, PrometheusUnreachable, type Response, apiFetch, instantQuery, whyUnanswered } from "./prometheus-api";

export interface DoctorRow {
  check: string;
  ok: boolean;
  detail: string;
}

export interface DoctorTarget {
  prometheus: PrometheusApi;
  alertmanager: PrometheusApi;
  /** The stack the APIs belong to: its SLOs and its number of Alertmanager peers. */
  settings?: Settings;
}

async function get(api: PrometheusApi, path: string): Promise<Response> {
  const url = `${api.url.replace(/\/+$/, "")}${path}`;
  try {
    return await apiFetch(url, api, { timeoutMs: api.timeoutMs });
  } catch (err) {
    throw new PrometheusUnreachable(`${api.url} did not answer: ${whyUnanswered(err, url, api)}`);
  }
}

async function json<T>(api: PrometheusApi, path: string): Promise<T> {
  const res = await get(api, path);
  if (!res.ok) throw new PrometheusUnreachable(`${api.url}${path} answered ${res.status}`);
  return (await res.json()) as T;
}

/** A metric's samples from a service's own /metrics (no scrape of it needed). */
async function ownMetric(api: PrometheusApi, name: string): Promise<{ labels: string; value: number }[]> {
  const text = await (await get(api, "/metrics")).text();
  return [...text.matchAll(new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`, "gm"))].map((m) => ({ labels: m[1] ?? "", value: Number(m[2]) }));
}

/** Runs one check; an API that does not answer fails it with the reason. */
async function check(name: string, run: () => Promise<{ ok: boolean; detail: string }>): Promise<DoctorRow> {
  try {
    return { check: name, ...(await run()) };
  } catch (err) {
    if (!(err instanceof PrometheusUnreachable)) throw err;
    return { check: name, ok: false, detail: err.message };
  }
}

interface RuleGroup {
  name: string;
  file: string;
  interval: number;
  evaluationTime: number;
  lastEvaluation: string;
  rules: { name: string; health: string; lastError?: string }[];
}

/** What is wrong with the rule groups: failing rules, groups not evaluated within three intervals (after the first), groups slower than their interval. */
function ruleGroupProblems(groups: RuleGroup[], upFor: number, now: number): string[] {
  return groups.flatMap((g) => {
    const failing = g.rules.filter((r) => r.health === "err");
    const grace = 3 * g.interval * 1000 + 60_000;
    const stale = g.lastEvaluation.startsWith("0001-") ? upFor > grace : now - Date.parse(g.lastEvaluation) > grace;
    return [
      ...failing.map((r) => `${g.name}: ${r.name} fails: ${r.lastError ?? "error"}`),
      ...(stale ? [`${g.name}: not evaluated for ${g.lastEvaluation.startsWith("0001-") ? "ever" : `${Math.round((now - Date.parse(g.lastEvaluation)) / 1000)} s`} (interval ${g.interval} s)`] : []),
      ...(g.evaluationTime > g.interval ? [`${g.name}: takes ${g.evaluationTime.toFixed(1)} s of its ${g.interval} s interval`] : []),
    ];
  });
}

function prometheusChecks(t: DoctorTarget, now: number): Promise<DoctorRow>[] {
  const p = t.prometheus;
  return [
    check("Prometheus ready", async () => ({ ok: (await get(p, "/-/ready")).ok, detail: "" })),
    check("Prometheus last configuration reload successful", async () => {
      const [r] = await ownMetric(p, "prometheus_config_last_reload_successful");
      return { ok: r?.value === 1, detail: r ? (r.value === 1 ? "" : "the last reload failed: the running configuration is the one before it") : "metric not found" };
    }),
    check("every scrape target up", async () => {
      const { data } = await json<{ data: { activeTargets: { labels: Record<string, string>; scrapeUrl: string; health: string; lastError: string }[] } }>(p, "/api/v1/targets?state=active");
      const down = data.activeTargets.filter((x) => x.health !== "up");
      return { ok: down.length === 0, detail: down.map((x) => `${x.labels.job} ${x.labels.instance}: ${x.health}${x.lastError ? ` (${x.lastError})` : ""}`).join("; ") || `${data.activeTargets.length} up` };
    }),
    check("every rule group evaluating, without failures, within its interval", async () => {
      const { data } = await json<{ data: { groups: RuleGroup[] } }>(p, "/api/v1/rules");
      // A group's first evaluation comes up to one interval after Prometheus starts: not yet is not never.
      const [started] = await ownMetric(p, "process_start_time_seconds");
      const upFor = started ? now - started.value * 1000 : Infinity;
      const problems = ruleGroupProblems(data.groups, upFor, now);
      return { ok: problems.length === 0 && data.groups.length > 0, detail: problems.join("; ") || (data.groups.length === 0 ? "no rule group loaded" : `${data.groups.length} groups`) };
    }),
    ...(t.settings
      ? [
          check("SLO series present for every SLO of the stack", async () => {
            const present = new Set((await instantQuery(p, SLO_SERIES.requestRate5m)).map((s) => `${s.labels.service}/${s.labels.slo}`));
            const missing = slosOf(t.settings!).filter((s) => !present.has(`${s.service.name}/${s.name}`)).map((s) => `${s.service.name}/${s.name}`);
            return { ok: missing.length === 0, detail: missing.length > 0 ? `missing: ${missing.join(", ")}` : `${present.size} SLOs` };
          }),
        ]
      : []),
  ];
}

function alertmanagerChecks(t: DoctorTarget): Promise<DoctorRow>[] {
  const am = t.alertmanager;
  return [
    check("Alertmanager ready", async () => ({ ok: (await get(am, "/-/ready")).ok, detail: "" })),
    check("Alertmanager last configuration reload successful", async () => {
      const [r] = await ownMetric(am, "alertmanager_config_last_reload_successful");
      return { ok: r?.value === 1, detail: r ? (r.value === 1 ? "" : "the last reload failed") : "metric not found" };
    }),
    check("Alertmanager cluster members as configured", async () => {
      const { cluster } = await json<{ cluster: { status: string; peers?: unknown[] } }>(am, "/api/v2/status");
      const expected = t.settings ? stackHosts(t.settings).length : undefined;
      const members = cluster.peers?.length ?? 0;
      const alone = cluster.status === "disabled" && (expected ?? 1) === 1;
      const ok = alone || (cluster.status === "ready" && (expected === undefined || members === expected));
      return { ok, detail: `${cluster.status}, ${members} member(s)${expected !== undefined ? `, ${expected} configured` : ""}` };
    }),
    check("no notification failing, by integration", async () => {
      const failed = (await ownMetric(am, "alertmanager_notifications_failed_total")).filter((r) => r.value > 0);
      return { ok: failed.length === 0, detail: failed.map((r) => `${/integration="([^"]+)"/.exec(r.labels)?.[1] ?? r.labels}: ${r.value} failed`).join("; ") };
    }),
    check("Watchdog firing (the pipeline is alive end to end)", async () => {
      const alerts = await json<{ status: { state: string } }[]>(am, `/api/v2/alerts?filter=${encodeURIComponent(`alertname="${WATCHDOG_ALERT}"`)}`);
      return { ok: alerts.length > 0, detail: alerts.length > 0 ? "" : "Alertmanager holds no Watchdog alert: Prometheus does not reach it, or its rules do not run" };
    }),
  ];
}

export async function doctor(t: DoctorTarget, now = Date.now()): Promise<DoctorRow[]> {
  return Promise.all([...prometheusChecks(t, now), ...alertmanagerChecks(t)]);
}
