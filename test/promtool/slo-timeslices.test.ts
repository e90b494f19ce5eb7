// Time-slice SLOs (services[].slo.timeslices) under promtool: the budget counts slices, and
// exactly the bad ones: a 5-minute slice with more failing requests than the condition allows,
// or a latency quantile over its threshold; a slice without requests is good.
import { BURN_ALERTS, SLO_SERIES } from "../../monitoring/conventions";
import { settingsWith, stackServices } from "../helpers/tools";
import { check, firing, HOUR, is, isNot, MIN, near, rulesFileOf, series } from "./slo/scenario";
import { Segment, serviceTraffic } from "./slo/traffic";

describe("time-slice SLOs (promtool test rules)", function () {
  this.timeout(600_000);

  it("counts exactly the bad slices: three 5-minute slices above 1% errors of 25, the quiet and the nearly good ones good", () => {
    const timeslices = [{ name: "good-minutes", objective: 99, slice: "5m", good: { availability: 99 } }];
    const s = settingsWith("dev", {
      services: stackServices("dev").map((svc, i) => ({ ...svc, slo: { latency: [], ...(i === 0 ? { availability: false, timeslices } : {}) } })),
      slo: { periodDays: 7 },
    });
    const [ctl, app] = s.services;
    // Minute by minute: 5% errors in minutes 26 to 40 (the slices ending at 30, 35 and 40), 0.5%
    // in minutes 61 to 65 (good: under 1%), no requests in minutes 86 to 90 (good: nothing failed).
    const traffic: Segment[] = [
      { steps: 25, requests: 200 },
      { steps: 15, requests: 200, errors: 10 },
      { steps: 20, requests: 200 },
      { steps: 5, requests: 200, errors: 1 },
      { steps: 20, requests: 200 },
      { steps: 5, requests: 0 },
      { steps: 30, requests: 200 },
    ];
    const end = 2 * HOUR;
    // Slices ending at 0, 5, ..., 120 minutes: 25, of which 3 bad.
    const [slices, bad] = [end / (5 * MIN) + 1, 3];
    const of = (metric: string) => series(metric, ctl.name, "good-minutes");
    check(rulesFileOf(s), {
      interval: MIN,
      evaluation: 5 * MIN,
      series: [...serviceTraffic(ctl, traffic), ...serviceTraffic(app, traffic)],
      tests: [
        near(of(SLO_SERIES.requests("1d")), slices, end, 1e-9),
        near(`${of(SLO_SERIES.errorRatio("1d"))} * ${of(SLO_SERIES.requests("1d"))}`, bad, end, 1e-9),
        near(`${of(SLO_SERIES.errorRatio("period"))} * ${of(SLO_SERIES.requests("period"))}`, bad, end, 1e-9),
        // The 1h window (raw): the slices ending at 65 to 120 minutes, none bad.
        near(of(SLO_SERIES.errorRatio("1h")), 0, end, 1e-9),
        // A third of the slices bad pages at once: one slice in the 5-minute window is enough (no minimum of events for slices).
        is(firing(BURN_ALERTS.page, ctl.name, "good-minutes"), 40 * MIN),
        isNot(firing(BURN_ALERTS.page, ctl.name, "good-minutes"), 25 * MIN),
      ],
    });
  });
});
