// Maintenance windows (settings slo.maintenance) under promtool: an outage inside a window spends
// no budget, counts in no burn window and pages no burn alert, while the same outage outside one
// does all three; one-off and weekly windows alike (promtool's time 0 is Thursday 1970-01-01 00:00 UTC).
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { AVAILABILITY_SLO, BURN_ALERTS, RULE_FILES, SLO_SERIES } from "../../monitoring/conventions";
import { FILES } from "../../monitoring/layout";
import { zoneOffset } from "../../settings";
import { renderTo, settingsOf, settingsWith, stackServices } from "../helpers/tools";
import { runScenario } from "./slo/run";
import { check, firing, HOUR, is, isNot, MIN, near, remaining, rulesFileOf, series } from "./slo/scenario";
import { Segment, serviceTraffic } from "./slo/traffic";

const FAST = BURN_ALERTS.page;
const dev = settingsOf("dev");
const [ctl, app] = dev.services;

/** The dev stack's availability SLOs over 7 days, with a maintenance window over tenant-management-service only. */
const withWindow = (window: Record<string, unknown>): ReturnType<typeof settingsOf> =>
  settingsWith("dev", {
    services: stackServices("dev").map((svc) => ({ ...svc, slo: { latency: [] } })),
    slo: { periodDays: 7, maintenance: [{ name: "db-migration", services: [ctl.name], ...window }] },
  });

// Both services: 2h of clean traffic, then a total outage from 2:15 to 2:45, then clean until 4:00.
const every = MIN;
const traffic: Segment[] = [
  { steps: (2 * HOUR + 15 * MIN) / every, requests: 100 },
  { steps: (30 * MIN) / every, requests: 100, errors: 100 },
  { steps: (75 * MIN) / every, requests: 100 },
];
const end = 4 * HOUR;

const WINDOWS: [string, Record<string, unknown>][] = [
  ["a one-off window", { start: "1970-01-01T02:00:00Z", end: "1970-01-01T03:00:00Z" }],
  ["a weekly window in a fixed-offset zone", { weekly: { days: ["thu"], start: "03:00", duration: "1h", timeZone: "+01:00" } }],
];

describe("maintenance windows (promtool test rules)", function () {
  this.timeout(600_000);

  for (const [what, window] of WINDOWS) {
    it(`${what}: the outage inside it spends nothing and pages no burn alert; the same outage outside one does both`, () => {
      const s = withWindow(window);
      const ratio = (name: string) => series(SLO_SERIES.errorRatio(name), ctl.name, AVAILABILITY_SLO);
      check(rulesFileOf(s), {
        interval: every,
        // Every 5 minutes: the outage lasts 30, and the burn alerts of the other service fire within one.
        evaluation: 5 * every,
        series: [...serviceTraffic(ctl, traffic), ...serviceTraffic(app, traffic)],
        tests: [
          // Outside a window: pages during the outage, and the budget is spent.
          is(firing(FAST, app.name, AVAILABILITY_SLO), 2 * HOUR + 30 * MIN),
          is(`count(${remaining(app.name, AVAILABILITY_SLO)} < 0)`, end),
          // Inside it: no burn alert at any evaluation, during the window or after it.
          isNot(`max_over_time(ALERTS{alertname=~"ErrorBudgetBurning.*",service="${ctl.name}"}[${end}s])`, end),
          // Nothing spent, and no burn window counts the outage.
          // Within a thousandth of the budget (the grid's edge terms leave a few hundredths of an event).
          near(remaining(ctl.name, AVAILABILITY_SLO), 1, end, 1e-3),
          near(ratio("period"), 0, end, 1e-5),
          near(ratio("1h"), 0, 3 * HOUR + 5 * MIN, 1e-5),
          near(ratio("6h"), 0, end, 1e-5),
          near(ratio("1d"), 0, end, 1e-5),
          // The traffic outside the window still counts: 4h less the hour of the window.
          near(series(SLO_SERIES.requests("1d"), ctl.name, AVAILABILITY_SLO), ((3 * HOUR) / every) * 100, end, 1),
          near(series(SLO_SERIES.requests("period"), ctl.name, AVAILABILITY_SLO), ((3 * HOUR) / every) * 100, end, 1),
        ],
      });
    });
  }

  for (const silence of ["slo", "all"] as const) {
    it(`${silence === "all" ? "silences ServiceDown of its services with silence: all" : "still pages ServiceDown inside a window that silences the SLO alerts only"}`, () => {
      const s = withWindow({ start: "1970-01-01T02:00:00Z", end: "1970-01-01T03:00:00Z", silence });
      const dir = renderTo(s);
      const files = [RULE_FILES.critical, RULE_FILES.warnings].map((f) => path.join(dir, FILES.rule(f)));
      // Both services down from 2:15 to 2:45 (Prometheus records up 0), up otherwise.
      const up = (svc: typeof ctl) => serviceTraffic(svc, traffic).filter((x) => x.series.startsWith("up{")).map((x) => ({ ...x, values: `1x134 0x30 1x75` }));
      const down = (service: string) => `group(ALERTS{alertname="ServiceDown",alertstate="firing",service="${service}"})`;
      const r = runScenario(files, {
        interval: every,
        evaluation: every,
        series: [...up(ctl), ...up(app)],
        tests: [{ expr: down(app.name), at: 2 * HOUR + 30 * MIN, expect: [{ labels: "{}", value: 1 }] }, { expr: down(ctl.name), at: 2 * HOUR + 30 * MIN, expect: silence === "all" ? [] : [{ labels: "{}", value: 1 }] }],
      });
      assert.ok(r.ok, r.output);
    });
  }

  it("takes UTC, fixed offsets and zones without daylight saving time; refuses zones with it, naming both offsets", () => {
    assert.deepEqual(zoneOffset("UTC"), { seconds: 0 });
    assert.deepEqual(zoneOffset("-03:30"), { seconds: -12_600 });
    assert.deepEqual(zoneOffset("Asia/Kolkata"), { seconds: 19_800 });
    const berlin = zoneOffset("Europe/Berlin");
    assert.ok("problem" in berlin && /UTC\+01:00 and UTC\+02:00/.test(berlin.problem), JSON.stringify(berlin));
    assert.ok("problem" in zoneOffset("Mars/Olympus"));
  });
});
