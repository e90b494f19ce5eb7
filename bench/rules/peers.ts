// The rule shapes the bench compares, for one availability SLO per service over the same
// counters, written from the projects' documented rule layouts (no code of theirs is used):
//
// - naive: every window's ratio straight from raw counters, evaluated every cycle;
// - Sloth (prometheus/v1 generator): ratio_rate<w> from raw counters for 5m..3d, the period
//   ratio as sum_over_time(ratio_rate5m[30d]) / count_over_time(...) (its "optimized" period
//   rule), and its metadata series;
// - Pyrra: the period's increase per code from raw counters (`increase(...[30d])`, its
//   increase group every 2m30s), burn rates from raw counters for its windows (5m..4d);
// - Pyrra's performance mode, as modelled here: the 5m increase per code recorded by the
//   increase group every 2m30s, the period's increase summed from it (each event counted in
//   two overlapping 5m windows, hence halved).
//
// Each shape says which rules it evaluates and how often, and which expression gives its
// 30-day error ratio (checked against the exact ratio of the synthetic traffic).

export interface ShapeRule {
  record?: string;
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
}

export interface ShapeGroup {
  name: string;
  intervalSeconds: number;
  rules: ShapeRule[];
}

export interface Shape {
  name: string;
  groups: ShapeGroup[];
  /** Per service: the expression of its 30-day error ratio, as the shape records it. */
  periodRatio(job: string): string;
  /** Per service: a series the rule recording that ratio writes, whose timestamp is when it last evaluated. */
  periodAt(job: string): string;
}

const PERIOD = "30d";
const SLOTH_WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"];
const PYRRA_WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "4d"];

const errorsOf = (job: string, w: string) => `sum(rate(http_requests_total{job="${job}",code=~"5.."}[${w}]))`;
const totalOf = (job: string, w: string) => `sum(rate(http_requests_total{job="${job}"}[${w}]))`;
const ratioOf = (job: string, w: string) => `(${errorsOf(job, w)}) / (${totalOf(job, w)})`;

export function naive(jobs: string[], base: number): Shape {
  return {
    name: "naive (raw counters)",
    groups: [{ name: "naive", intervalSeconds: base, rules: jobs.flatMap((j) => [...SLOTH_WINDOWS, PERIOD].map((w) => ({ record: `naive:ratio_rate${w}`, expr: ratioOf(j, w), labels: { job: j } }))) }],
    periodRatio: (job) => ratioOf(job, PERIOD),
    periodAt: (job) => `naive:ratio_rate${PERIOD}{job="${job}"}`,
  };
}

/** Sloth's labels on every series of one SLO. */
const slothLabels = (job: string, window?: string) => ({ sloth_id: `${job}-availability`, sloth_service: job, sloth_slo: "availability", ...(window ? { sloth_window: window } : {}) });

export function sloth(jobs: string[], base: number): Shape {
  const sel = (job: string) => `{sloth_id="${job}-availability"}`;
  const sli = jobs.flatMap((j) => SLOTH_WINDOWS.map((w) => ({ record: `slo:sli_error:ratio_rate${w}`, expr: ratioOf(j, w), labels: slothLabels(j, w) })));
  const period = (j: string) => `sum_over_time(slo:sli_error:ratio_rate5m${sel(j)}[${PERIOD}]) / ignoring (sloth_window) count_over_time(slo:sli_error:ratio_rate5m${sel(j)}[${PERIOD}])`;
  const meta = jobs.flatMap((j) =>
    [
      { record: "slo:objective:ratio", expr: "vector(0.999)" },
      { record: "slo:error_budget:ratio", expr: "vector(1 - 0.999)" },
      { record: "slo:time_period:days", expr: "vector(30)" },
      { record: "slo:current_burn_rate:ratio", expr: `slo:sli_error:ratio_rate5m${sel(j)} / on (sloth_id, sloth_slo, sloth_service) group_left slo:error_budget:ratio${sel(j)}` },
      { record: "slo:period_burn_rate:ratio", expr: `slo:sli_error:ratio_rate30d${sel(j)} / on (sloth_id, sloth_slo, sloth_service) group_left slo:error_budget:ratio${sel(j)}` },
      { record: "slo:period_error_budget_remaining:ratio", expr: `1 - slo:period_burn_rate:ratio${sel(j)}` },
      { record: "sloth_slo_info", expr: "vector(1)" },
    ].map((r) => ({ ...r, labels: slothLabels(j) })),
  );
  const alerts = jobs.flatMap((j) => [
    {
      alert: "Page",
      expr: `(max(slo:sli_error:ratio_rate5m${sel(j)} > (14.4 * 0.001)) without (sloth_window) and max(slo:sli_error:ratio_rate1h${sel(j)} > (14.4 * 0.001)) without (sloth_window)) or (max(slo:sli_error:ratio_rate30m${sel(j)} > (6 * 0.001)) without (sloth_window) and max(slo:sli_error:ratio_rate6h${sel(j)} > (6 * 0.001)) without (sloth_window))`,
    },
    {
      alert: "Ticket",
      expr: `(max(slo:sli_error:ratio_rate2h${sel(j)} > (3 * 0.001)) without (sloth_window) and max(slo:sli_error:ratio_rate1d${sel(j)} > (3 * 0.001)) without (sloth_window)) or (max(slo:sli_error:ratio_rate6h${sel(j)} > (1 * 0.001)) without (sloth_window) and max(slo:sli_error:ratio_rate3d${sel(j)} > (1 * 0.001)) without (sloth_window))`,
    },
  ]);
  return {
    name: "Sloth",
    groups: [
      { name: "sloth-sli", intervalSeconds: base, rules: [...sli, ...jobs.map((j) => ({ record: "slo:sli_error:ratio_rate30d", expr: period(j), labels: slothLabels(j, PERIOD) }))] },
      { name: "sloth-meta", intervalSeconds: base, rules: meta },
      { name: "sloth-alerts", intervalSeconds: base, rules: alerts },
    ],
    periodRatio: period,
    periodAt: (job) => `slo:sli_error:ratio_rate${PERIOD}${sel(job)}`,
  };
}

/** The recorded series Sloth's period rule reads: its 5m ratio, written every cycle (backfilled). */
export const slothInput = (job: string) => ({ record: "slo:sli_error:ratio_rate5m", expr: ratioOf(job, "5m"), labels: slothLabels(job, "5m") });

/** Pyrra's slo label; the performance mode's differs, so the two shapes' series stay apart in the bench's one TSDB. */
const pyrraSlo = (job: string, performance: boolean) => `${job}-availability${performance ? "-performance" : ""}`;

function pyrraShape(jobs: string[], base: number, performance: boolean): Shape {
  const sel = (job: string, code = "") => `{job="${job}",slo="${pyrraSlo(job, performance)}"${code}}`;
  /** The period's increase as the shape computes it, of all requests or of the error codes. */
  const increaseOf = (j: string, code = "") =>
    performance ? `sum_over_time(http_requests:increase5m${sel(j, code)}[${PERIOD}]) / 2` : `increase(http_requests_total{job="${j}"${code}}[${PERIOD}])`;
  const labels = (j: string) => ({ job: j, slo: pyrraSlo(j, performance) });
  const increase = jobs.map((j) => ({ record: "http_requests:increase30d", expr: `sum by (code) (${increaseOf(j)})`, labels: labels(j) }));
  const burn = jobs.flatMap((j) => PYRRA_WINDOWS.map((w) => ({ record: `http_requests:burnrate${w}`, expr: ratioOf(j, w), labels: labels(j) })));
  const alerts = jobs.flatMap((j) =>
    [["5m", "1h", 14], ["30m", "6h", 7], ["2h", "1d", 2], ["6h", "4d", 1]].map(([s, l, f]) => ({
      alert: "ErrorBudgetBurn",
      expr: `http_requests:burnrate${s}${sel(j)} > (${f} * (1-0.999)) and http_requests:burnrate${l}${sel(j)} > (${f} * (1-0.999))`,
    })),
  );
  const recorded = (j: string) => `sum(http_requests:increase30d${sel(j, ',code=~"5.."')}) / sum(http_requests:increase30d${sel(j)})`;
  return {
    name: performance ? "Pyrra, performance mode" : "Pyrra",
    groups: [
      ...(performance ? [{ name: "pyrra-increase5m", intervalSeconds: 150, rules: jobs.map((j) => pyrraInput(j)) }] : []),
      { name: "pyrra-increase", intervalSeconds: 150, rules: increase },
      { name: "pyrra-burnrate", intervalSeconds: base, rules: [...burn, ...alerts] },
      {
        name: "pyrra-generic",
        intervalSeconds: base,
        rules: jobs.flatMap((j) => [
          { record: "pyrra_objective", expr: "vector(0.999)", labels: labels(j) },
          { record: "pyrra_window", expr: "vector(2592000)", labels: labels(j) },
          { record: "pyrra_availability", expr: `1 - ${recorded(j)}`, labels: labels(j) },
        ]),
      },
    ],
    // The ratio the increase rule records, from what it reads.
    periodRatio: (j) => `sum(${increaseOf(j, ',code=~"5.."')}) / sum(${increaseOf(j)})`,
    periodAt: (j) => `http_requests:increase${PERIOD}${sel(j)}`,
  };
}

export const pyrra = (jobs: string[], base: number) => pyrraShape(jobs, base, false);
export const pyrraPerformance = (jobs: string[], base: number) => pyrraShape(jobs, base, true);

/** What Pyrra's performance mode records every 2m30s and sums over the period (backfilled). */
export const pyrraInput = (job: string) => ({ record: "http_requests:increase5m", expr: `sum by (code) (increase(http_requests_total{job="${job}"}[5m]))`, labels: { job, slo: pyrraSlo(job, true) } });
