// The long windows and the budget read from raw history (monitoring/slo/windows.ts), under
// promtool: every window's events match the counters' own count within what the grid allows
// (at most a step of events lost at a counter reset, none made up), a gap in monitoring loses
// at most the gap, and the budget is still reported while the SLI has no data.
import { AVAILABILITY_SLO, SLO_SERIES } from "../../monitoring/conventions";
import { durationSeconds } from "../../monitoring/duration";
import { settingsOf } from "../helpers/tools";
import { ExprTest } from "./slo/run";
import { availabilityOnly, check, HOUR, MIN, remaining, rulesFileOf, series } from "./slo/scenario";
import { serviceTraffic, targetLabels } from "./slo/traffic";


interface Minute {
  requests: number;
  errors: number;
  /** The process restarted at the end of this minute: its counters start again from 0. */
  restart?: boolean;
  /** Prometheus scraped nothing in this minute (the process kept counting). */
  unscraped?: boolean;
}

const minutes = (n: number, m: Omit<Minute, "restart">): Minute[] => Array.from({ length: n }, () => ({ ...m }));

/** The counters as promtool input: one sample a minute, `_` where nothing was scraped. */
function counters(timeline: Minute[], pick: (m: Minute) => number): string {
  let value = 0;
  const out = ["0"];
  for (const m of timeline) {
    value = m.restart ? 0 : value + pick(m);
    out.push(m.unscraped ? "_" : String(value));
  }
  return out.join(" ");
}

describe("SLO history: long windows and the budget from raw counters (promtool test rules)", function () {
  this.timeout(600_000);

  it("counts every long window within the grid's error: a reset loses at most a step, a gap at most itself, nothing is made up", () => {
    const s = availabilityOnly(7);
    const [svc, other] = s.services;
    // 26 hours (past the one-day seam to the coarse grid): an incident, a restart, two hours
    // unscraped while the service kept serving, a steady trickle of errors at the end.
    const timeline: Minute[] = [
      ...minutes(600, { requests: 100, errors: 0 }),
      ...minutes(30, { requests: 100, errors: 50 }),
      ...minutes(269, { requests: 100, errors: 0 }),
      { requests: 100, errors: 0, restart: true },
      ...minutes(300, { requests: 200, errors: 2 }),
      ...minutes(120, { requests: 100, errors: 10, unscraped: true }),
      ...minutes(240, { requests: 100, errors: 1 }),
    ];
    const job = targetLabels(svc);
    const input = [
      { series: `http_requests_total{${job},code="200"}`, values: counters(timeline, (m) => m.requests - m.errors) },
      { series: `http_requests_total{${job},code="500"}`, values: counters(timeline, (m) => m.errors) },
      { series: `up{${job}}`, values: `1x${timeline.length}` },
      ...serviceTraffic(other, [{ steps: timeline.length, requests: 10 }]),
    ];
    const restartAt = timeline.findIndex((m) => m.restart);
    const tests: ExprTest[] = [];
    // Evaluated every 7 minutes (fewer evaluations, a faster test): checked at 1540 min, on the
    // 5-minute grid, and at 1554, off it.
    const every = 7 * MIN;
    for (const end of [220 * every, 222 * every]) {
      // Windows end at the evaluation instant, on the grid or off it.
      const last = end;
      for (const name of ["2h", "6h", "1d", "period"]) {
        const window = name === "period" ? 7 * 24 * HOUR : durationSeconds(name);
        const inWindow = timeline.map((m, i) => ({ m, i })).filter(({ i }) => (i + 1) * MIN > last - window && (i + 1) * MIN <= last);
        const bounds = (pick: (m: Minute) => number) => {
          const sum = (xs: typeof inWindow) => xs.reduce((a, { m }) => a + pick(m), 0);
          const exact = sum(inWindow.filter(({ m }) => !m.restart));
          // What a reset may lose: the minutes since the last grid point before it (15 on the coarse grid).
          const lost = inWindow.some(({ i }) => i === restartAt) ? sum(inWindow.filter(({ i }) => i > restartAt - 15 && i < restartAt)) : 0;
          const unscraped = sum(inWindow.filter(({ m }) => m.unscraped));
          return [exact - lost - unscraped - 1e-6, exact + 1e-6];
        };
        const [all, bad] = [bounds((m) => m.requests), bounds((m) => m.errors)];
        const within = (expr: string, [low, high]: number[]) => tests.push({ expr: `count(((${expr}) >= ${low}) <= ${high})`, at: end, expect: [{ labels: "{}", value: 1 }] });
        const ratio = series(SLO_SERIES.errorRatio(name), svc.name, AVAILABILITY_SLO);
        within(ratio, [bad[0] / all[1], bad[1] / all[0]]);
        if (name === "1d" || name === "period") {
          const requests = series(SLO_SERIES.requests(name), svc.name, AVAILABILITY_SLO);
          within(requests, all);
          within(`${ratio} * ${requests}`, bad);
        }
      }
      // Where nothing was lost: exact.
      tests.push({ expr: `count(abs(${series(SLO_SERIES.errorRatio("2h"), svc.name, AVAILABILITY_SLO)} - 0.01) < 1e-9)`, at: end, expect: [{ labels: "{}", value: 1 }] });
    }
    check(rulesFileOf(s), { interval: MIN, evaluation: every, series: input, tests });
  });

  it("keeps the budget reported through an outage: 25 minutes without SLI data, it is still there and still spent", () => {
    const s = settingsOf("dev");
    const [svc, other] = s.services;
    const gap = 25;
    // An hour of traffic with an incident, then the target stops answering: no samples of its
    // metrics at all, and Prometheus records each failed scrape as up 0.
    const before = serviceTraffic(svc, [{ steps: 20, requests: 600, errors: 60 }, { steps: 41, requests: 600 }]);
    const down = before.map((x) => ({ ...x, values: `${x.values} ${x.series.startsWith(`${svc.metrics.up}{`) ? "0" : "_"}x${gap}` }));
    const at = (61 + gap) * MIN;
    check(rulesFileOf(s), {
      interval: MIN,
      evaluation: MIN,
      series: [...down, ...serviceTraffic(other, [{ steps: 61 + gap, requests: 10 }])],
      tests: [{ expr: `count(${remaining(svc.name, AVAILABILITY_SLO)} < 1)`, at, expect: [{ labels: "{}", value: 1 }] }],
    });
  });
});
