// Calendar-aligned SLO periods (period: {calendar: week}) under promtool: the budget and the
// period's error ratio count the current week alone and restart at its start. promtool's time 0
// is Thursday 1970-01-01 00:00 UTC. A month's rules read more samples at once than promtool
// allows (10,000): test/e2e/slo-history.test.ts proves them on a real Prometheus.
import { AVAILABILITY_SLO, SLO_SERIES } from "../../monitoring/conventions";
import { settingsWith, stackServices } from "../helpers/tools";
import { check, DAY, HOUR, near, remaining, rulesFileOf, series } from "./slo/scenario";
import { Segment, serviceTraffic } from "./slo/traffic";

const STEP = 15 * 60;

/** Exact events of the segments between two instants (the counters' own count). */
function events(segments: Segment[], from: number, to: number, pick: (s: Segment) => number): number {
  let t = 0;
  let n = 0;
  for (const s of segments) {
    for (let i = 0; i < s.steps; i++) {
      t += STEP;
      if (t > from && t <= to) n += pick(s);
    }
  }
  return n;
}

describe("calendar periods (promtool test rules)", function () {
  this.timeout(600_000);
  const at = (days: number, hours = 0) => days * DAY + hours * HOUR;
  const budget = 0.001;

  it("counts the calendar week alone (from Monday 00:00 in its zone), from the raw counters", () => {
    const s = settingsWith("dev", {
      services: stackServices("dev").map((svc, i) => ({ ...svc, slo: { latency: [], ...(i === 0 ? { availability: { objective: 99.9, period: { calendar: "week", timeZone: "+02:00" } } } : {}) } })),
    });
    const [ctl, app] = s.services;
    // Weeks begin on Monday 00:00 at +02:00, Sunday 22:00 UTC: 1970-01-04T22:00Z is 3 days 22 hours in.
    const monday = at(3, 22);
    const traffic: Segment[] = [
      { steps: at(2) / STEP, requests: 100 },
      { steps: HOUR / STEP, requests: 100, errors: 100 },
      { steps: (monday + HOUR - at(2, 1)) / STEP, requests: 100 },
      { steps: HOUR / STEP, requests: 100, errors: 20 },
      { steps: (4 * HOUR) / STEP, requests: 100 },
    ];
    const ratio = (from: number, to: number) => events(traffic, from, to, (x) => x.errors ?? 0) / events(traffic, from, to, (x) => x.requests);
    const [before, after] = [monday - HOUR, monday + 5 * HOUR];
    const period = series(SLO_SERIES.errorRatio("period"), ctl.name, AVAILABILITY_SLO);
    check(rulesFileOf(s), {
      interval: STEP,
      evaluation: HOUR,
      series: [...serviceTraffic(ctl, traffic), ...serviceTraffic(app, traffic)],
      tests: [
        near(period, ratio(0, before), before, 1e-9),
        near(period, ratio(monday, after), after, 1e-9),
        near(remaining(ctl.name, AVAILABILITY_SLO), 1 - (ratio(monday, after) * (5 / (7 * 24))) / budget, after, 1e-6),
      ],
    });
  });
});
