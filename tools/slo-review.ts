// The SLO review of `npm run report`: per SLO, attainment over the period and the one before, the
// budget left and its burn-down, the burn-rate incidents that spent it, the top consumers and the
// budget policy's state. Everything comes from the documented series (README "Key metrics") and
// ALERTS over Prometheus's HTTP API, evaluated at the period's end, so a review of a past period
// reads the same whenever it runs.
import { BURN_ALERTS, LABELS, SLO_SERIES } from "../monitoring/conventions";
import { SEAM } from "../monitoring/slo/windows";
import { PrometheusApi, RangeSeries, instantQuery, rangeQuery } from "./prometheus-api";

export const PERIODS = ["7d", "30d", "month"] as const;
export type PeriodName = (typeof PERIODS)[number];

export interface ReviewPeriod {
  name: PeriodName;
  /** Unix seconds: the period is [start, end), the one before [previousStart, start). */
  start: number;
  end: number;
  previousStart: number;
}

const DAY = 86_400;

/** 7d and 30d end at `at`; month is the last whole calendar month (UTC) before `at`. */
export function reviewPeriod(name: PeriodName, at: Date): ReviewPeriod {
  const now = Math.floor(at.getTime() / 1000);
  if (name === "month") {
    const first = (y: number, m: number) => Date.UTC(y, m, 1) / 1000;
    const y = at.getUTCFullYear();
    const m = at.getUTCMonth();
    return { name, start: first(y, m - 1), end: first(y, m), previousStart: first(y, m - 2) };
  }
  const length = (name === "7d" ? 7 : 30) * DAY;
  return { name, start: now - length, end: now, previousStart: now - 2 * length };
}

/** Percent levels of slo.budgetPolicy: under review, a budget review; under freeze, only critical changes; under stop, none. */
export interface BudgetPolicy {
  review: number;
  freeze: number;
  stop: number;
}

export type PolicyState = "normal" | "review" | "freeze" | "stop";

export function policyState(remaining: number, policy: BudgetPolicy): PolicyState {
  const left = remaining * 100;
  return left < policy.stop ? "stop" : left < policy.freeze ? "freeze" : left < policy.review ? "review" : "normal";
}

export interface Incident {
  alert: string;
  severity: string;
  /** Unix seconds, at the review's one-minute resolution. */
  start: number;
  end: number;
  /** Still firing at the period's end. */
  ongoing: boolean;
  /** Share of the SLO's budget it spent: budget left at its start minus budget left at its end. */
  budgetSpent: number;
}

export interface SloReview {
  service: string;
  slo: string;
  team?: string;
  objective: number;
  /** Good events over all events in the period (null without events). */
  attainment: number | null;
  previousAttainment: number | null;
  /** Budget left at the period's end (1 untouched, below 0 overspent); null without the series. */
  budgetRemaining: number | null;
  state: PolicyState | "unknown";
  /** [unix seconds, budget left] across the period. */
  burnDown: [number, number][];
  incidents: Incident[];
}

export interface Review {
  period: ReviewPeriod;
  policy: BudgetPolicy;
  slos: SloReview[];
  /** Maintenance windows that were on in the period (their events spent no budget). */
  maintenance: { name: string; start: number; end: number; ongoing: boolean }[];
}

/** The resolution of incidents and alert episodes. */
export const EPISODE_STEP = 60;

export interface Episode {
  labels: Record<string, string>;
  start: number;
  end: number;
  ongoing: boolean;
}

/** Episodes of each series of a query being present, minute by minute. */
async function episodes(api: PrometheusApi, query: string, start: number, end: number): Promise<Episode[]> {
  return (await rangeQuery(api, query, start, end, EPISODE_STEP)).flatMap((s) => episodesOf(s, end));
}

/**
 * Firing episodes of the alerts a selector matches, at one-minute resolution: an alert fires in
 * a minute when ALERTS has a firing sample in it (max_over_time, so backfilled history without
 * staleness markers reads the same as live history). The window is a second under the step, so
 * each sample counts in one minute only; rules evaluated at least once a minute leave no gaps.
 */
export function firingEpisodes(api: PrometheusApi, selector: string, start: number, end: number): Promise<Episode[]> {
  // The tiers of a burn-rate alert that fire together are one incident (Alertmanager mutes the slower ones).
  return episodes(api, `max without (${LABELS.burnTier}) (max_over_time(ALERTS{alertstate="firing"${selector ? `, ${selector}` : ""}}[${EPISODE_STEP - 1}s]))`, start, end);
}

function episodesOf(series: RangeSeries, end: number): Episode[] {
  const { alertstate: _state, ...labels } = series.labels;
  const out: Episode[] = [];
  for (const [t] of series.points) {
    const last = out[out.length - 1];
    // Firing in consecutive minutes: one episode, from the first minute seen to the last.
    if (last && t - last.end <= EPISODE_STEP) last.end = t;
    else out.push({ labels, start: t, end: t, ongoing: false });
  }
  for (const e of out) e.ongoing = end - e.end < EPISODE_STEP;
  return out;
}

const key = (l: Record<string, string>) => `${l[LABELS.service]}\u0000${l[LABELS.slo]}`;
const byKey = (samples: { labels: Record<string, string>; value: number }[]) => new Map(samples.map((s) => [key(s.labels), s.value]));

/**
 * Good events over all events between two instants whole days apart: the sum of the one-day
 * events the history group records, read at each day's end. None where a day has no value
 * (before the SLO was monitored): the figure would be wrong, so it is "n/a".
 */
async function attainments(api: PrometheusApi, from: number, to: number): Promise<Map<string, number>> {
  const days = Math.round((to - from) / DAY);
  const daily = async (metric: string) => {
    const series = await rangeQuery(api, metric, from + DAY, to, DAY);
    return new Map(series.filter((s) => s.points.length === days).map((s) => [key(s.labels), s.points.reduce((sum, [, v]) => sum + v, 0)]));
  };
  const requestsOfDay = SLO_SERIES.requests(SEAM);
  const [errors, requests] = await Promise.all([daily(`${SLO_SERIES.errorRatio(SEAM)} * ${requestsOfDay}`), daily(requestsOfDay)]);
  const out = new Map<string, number>();
  for (const [k, all] of requests) {
    const bad = errors.get(k);
    if (all > 0 && bad !== undefined) out.set(k, 1 - bad / all);
  }
  return out;
}

export async function sloReview(api: PrometheusApi, period: ReviewPeriod, policy: BudgetPolicy): Promise<Review> {
  const { start, end } = period;
  const objectives = await instantQuery(api, SLO_SERIES.objective, end);
  const [now, before, remaining] = await Promise.all([attainments(api, start, end), attainments(api, period.previousStart, start), instantQuery(api, SLO_SERIES.budgetRemaining, end)]);
  const left = byKey(remaining);
  const chartStep = Math.max(EPISODE_STEP, Math.ceil((end - start) / 500 / EPISODE_STEP) * EPISODE_STEP);
  const burnDown = new Map((await rangeQuery(api, SLO_SERIES.budgetRemaining, start, end, chartStep)).map((s) => [key(s.labels), s.points]));
  const burns = await firingEpisodes(api, `alertname=~"${Object.values(BURN_ALERTS).join("|")}"`, start, end);
  const slos: SloReview[] = [];
  for (const o of objectives.sort((a, b) => key(a.labels).localeCompare(key(b.labels)))) {
    const k = key(o.labels);
    const incidents = await Promise.all(
      burns
        .filter((e) => key(e.labels) === k)
        .map(async (e): Promise<Incident> => {
          const at = async (t: number) => byKey(await instantQuery(api, SLO_SERIES.budgetRemaining, t)).get(k);
          const [b0, b1] = await Promise.all([at(e.start), at(e.end)]);
          return { alert: e.labels.alertname, severity: e.labels[LABELS.severity] ?? "", start: e.start, end: e.end, ongoing: e.ongoing, budgetSpent: b0 !== undefined && b1 !== undefined ? b0 - b1 : 0 };
        }),
    );
    const budget = left.get(k) ?? null;
    slos.push({
      service: o.labels[LABELS.service],
      slo: o.labels[LABELS.slo],
      team: o.labels[LABELS.team],
      objective: o.value,
      attainment: now.get(k) ?? null,
      previousAttainment: before.get(k) ?? null,
      budgetRemaining: budget,
      state: budget === null ? "unknown" : policyState(budget, policy),
      burnDown: burnDown.get(k) ?? [],
      incidents: incidents.sort((a, b) => a.start - b.start),
    });
  }
  const maintenance = (await episodes(api, `max_over_time(${SLO_SERIES.maintenance}[${EPISODE_STEP - 1}s])`, start, end))
    .map((e) => ({ name: e.labels[LABELS.maintenance] ?? "", start: e.start, end: e.end, ongoing: e.ongoing }))
    .sort((a, b) => a.start - b.start);
  return { period, policy, slos, maintenance };
}

/** The SLOs that spent the most of their budget, most first. */
export const topConsumers = (review: Review, n = 5): SloReview[] =>
  review.slos
    .filter((s) => s.budgetRemaining !== null && s.budgetRemaining < 1)
    .sort((a, b) => (a.budgetRemaining ?? 1) - (b.budgetRemaining ?? 1))
    .slice(0, n);
