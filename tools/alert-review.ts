// The alert-quality review of `npm run report`: per alert and team over the period, how often it
// fired and paged (per week), how often it flapped or resolved within minutes (the noise
// candidates), how long it took to resolve (an MTTR proxy, per severity), which alerts never
// fired, and what Alertmanager sent per integration, set against the reference's targets (fewer
// than 5 false-positive alerts a week, MTTR under 30 minutes).
import { LABELS, WATCHDOG_ALERT } from "../monitoring/conventions";
import { PrometheusApi, alertingRuleNames, instantQuery } from "./prometheus-api";
import { Episode, ReviewPeriod, firingEpisodes } from "./slo-review";

/** The reference's targets. */
export const TARGETS = { falsePositivesPerWeek: 5, mttrMinutes: 30 } as const;

export interface NoiseRules {
  /** An episode shorter than this (seconds) is a noise candidate: it resolved before anyone could act. */
  shortSeconds: number;
  /** Firing again within this long (seconds) of resolving counts as a flap. */
  flapSeconds: number;
}

export const DEFAULT_NOISE: NoiseRules = { shortSeconds: 5 * 60, flapSeconds: 30 * 60 };

export interface AlertStats {
  alertname: string;
  /** The alert's team label, else its plane. */
  team: string;
  severity: string;
  firings: number;
  firingsPerWeek: number;
  /** Firings of critical alerts: the ones routed to PagerDuty. */
  pagesPerWeek: number;
  short: number;
  flaps: number;
  /** Mean minutes from firing to resolved, over resolved episodes; null when none resolved. */
  meanMinutesToResolve: number | null;
}

export interface AlertQuality {
  noise: NoiseRules;
  alerts: AlertStats[];
  /** Alerting rules Prometheus evaluates that never fired in the period. */
  neverFired: string[];
  /** Per severity: resolved episodes and their mean minutes to resolve. */
  resolution: { severity: string; resolved: number; meanMinutes: number }[];
  /** Alertmanager's own counters over the period, summed over peers (each notification is sent by one). */
  notifications: { integration: string; sent: number; failed: number }[];
  targets: {
    falsePositivesPerWeek: { value: number; target: number; met: boolean };
    mttrMinutes: { value: number | null; target: number; met: boolean | null };
  };
}

const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
const minutes = (e: Episode) => (e.end - e.start) / 60;

/** Per alert, team and severity: firings, pages, short ones and flaps, time to resolve. */
function alertStats(episodes: Episode[], weeks: number, noise: NoiseRules): AlertStats[] {
  const groups = new Map<string, Episode[]>();
  for (const e of episodes) {
    const team = e.labels[LABELS.team] ?? e.labels[LABELS.plane] ?? "";
    const k = JSON.stringify([e.labels.alertname, team, e.labels[LABELS.severity] ?? ""]);
    groups.set(k, [...(groups.get(k) ?? []), e]);
  }
  const seriesKey = (e: Episode) => JSON.stringify(Object.entries(e.labels).sort());
  return [...groups.entries()].map(([k, es]) => {
    const [alertname, team, severity] = JSON.parse(k) as string[];
    const resolved = es.filter((e) => !e.ongoing);
    // A flap: the same series firing again soon after it resolved.
    const lastEnd = new Map<string, number>();
    let flaps = 0;
    for (const e of es) {
      const previous = lastEnd.get(seriesKey(e));
      if (previous !== undefined && e.start - previous <= noise.flapSeconds) flaps++;
      lastEnd.set(seriesKey(e), e.end);
    }
    return {
      alertname,
      team,
      severity,
      firings: es.length,
      firingsPerWeek: es.length / weeks,
      pagesPerWeek: severity === "critical" ? es.length / weeks : 0,
      short: resolved.filter((e) => e.end - e.start < noise.shortSeconds).length,
      flaps,
      meanMinutesToResolve: mean(resolved.map(minutes)),
    };
  });
}

/** Alertmanager's notifications sent and failed in the period, per integration. */
async function notificationCounts(api: PrometheusApi, start: number, end: number): Promise<AlertQuality["notifications"]> {
  const window = `${end - start}s`;
  const [sent, failed] = await Promise.all(
    ["alertmanager_notifications_total", "alertmanager_notifications_failed_total"].map((m) => instantQuery(api, `sum by (integration) (increase(${m}[${window}]))`, end)),
  );
  const failedBy = new Map(failed.map((f) => [f.labels.integration, f.value]));
  return sent
    .map((s) => ({ integration: s.labels.integration, sent: Math.round(s.value), failed: Math.round(failedBy.get(s.labels.integration) ?? 0) }))
    .sort((a, b) => a.integration.localeCompare(b.integration));
}

export async function alertQuality(api: PrometheusApi, period: ReviewPeriod, noise: NoiseRules = DEFAULT_NOISE): Promise<AlertQuality> {
  const { start, end } = period;
  const weeks = (end - start) / (7 * 86_400);
  const episodes = (await firingEpisodes(api, `alertname!="${WATCHDOG_ALERT}"`, start, end)).sort((a, b) => a.start - b.start);
  const alerts = alertStats(episodes, weeks, noise);
  alerts.sort((a, b) => b.firings - a.firings || a.alertname.localeCompare(b.alertname) || a.team.localeCompare(b.team));

  const fired = new Set(episodes.map((e) => e.labels.alertname));
  const neverFired = (await alertingRuleNames(api)).filter((n) => n !== WATCHDOG_ALERT && !fired.has(n)).sort();

  const severities = [...new Set(episodes.map((e) => e.labels[LABELS.severity] ?? ""))].sort();
  const resolution = severities.flatMap((severity) => {
    const done = episodes.filter((e) => !e.ongoing && (e.labels[LABELS.severity] ?? "") === severity);
    return done.length > 0 ? [{ severity, resolved: done.length, meanMinutes: mean(done.map(minutes))! }] : [];
  });

  const notifications = await notificationCounts(api, start, end);
  const falsePositives = alerts.reduce((n, a) => n + a.short, 0) / weeks;
  const critical = resolution.find((r) => r.severity === "critical")?.meanMinutes ?? null;
  return {
    noise,
    alerts,
    neverFired,
    resolution,
    notifications,
    targets: {
      falsePositivesPerWeek: { value: falsePositives, target: TARGETS.falsePositivesPerWeek, met: falsePositives < TARGETS.falsePositivesPerWeek },
      mttrMinutes: { value: critical, target: TARGETS.mttrMinutes, met: critical === null ? null : critical < TARGETS.mttrMinutes },
    },
  };
}
