// The SLO rules under `promtool test rules`: burn-rate alerts fire when the SRE workbook's
// formula says, never on zero traffic; the period ratio is traffic-weighted; the budget counts
// the whole period, missing history as not spent.
import * as assert from "node:assert/strict";
import { AVAILABILITY_SLO, BURN_ALERTS, SLO_ALERTS, SLO_SERIES } from "../../monitoring/conventions";
import { slosOf } from "../../monitoring/slo/objectives";
import { burnPairs, recordedWindows } from "../../monitoring/slo/windows";
import { Settings } from "../../settings";
import { settingsOf, settingsWith } from "../helpers/tools";
import { ExprTest } from "./slo/run";
import { anySloAlert, availabilityOnly, check, DAY, detection, evalBefore, firing, HOUR, is, isNot, MIN, near, remaining, rulesFileOf, secondEvalAfter, series } from "./slo/scenario";
import { Segment, serviceTraffic, stepsOf } from "./slo/traffic";

const FAST = BURN_ALERTS.page;
const SLOW = BURN_ALERTS.ticket;

const lean = availabilityOnly;

/** The dev stack paging on the 1h/5m pair alone: its timing needs no 6h history (the test is faster). */
const fastPairOnly = (): Settings =>
  settingsWith("dev", { slo: { alerting: { page: [{ long: "1h", short: "5m", budgetPercent: 2 }], ticket: [] } } });

describe("SLO rules: promtool test rules", function () {
  this.timeout(600_000);
  const settings = settingsOf("dev");
  const [ctl, app] = settings.services; // tenant-management-service (control), cns-service (app)
  const slo = (s: Settings, service: string, name = AVAILABILITY_SLO) => slosOf(s).find((x) => x.service.name === service && x.name === name)!;
  let rules: string;
  before(() => {
    assert.equal(ctl.plane, "control");
    assert.equal(app.plane, "app");
    rules = rulesFileOf(settings);
  });

  it("derives the SRE workbook's factors from a 30-day period: 14.4 and 6 page, 3 and 1 ticket", () => {
    const a = slo(settings, ctl.name);
    assert.deepEqual(burnPairs(settings, "page", a).map((p) => [p.long, p.short, p.factor]), [["1h", "5m", 14.4], ["6h", "30m", 6]]);
    assert.deepEqual(burnPairs(settings, "ticket", a).map((p) => [p.long, p.short, p.factor]), [["1d", "2h", 3], ["3d", "6h", 1]]);
    assert.deepEqual(recordedWindows(settings), { raw: ["30m", "1h"], long: ["2h", "6h", "1d", "3d"] });
  });

  it("pages on a 100% outage of a 99.9% SLO within two evaluations of the theoretical ~52 s", () => {
    // The 1h/5m pair alone: with a history shorter than 6h the 6h pair reads all the history
    // there is, a shorter window, and may page a little sooner.
    const s = fastPairOnly();
    const every = 15;
    const outageAt = HOUR;
    const clean: Segment = { steps: outageAt / every, requests: 30 };
    const outage: Segment = { steps: (10 * MIN) / every, requests: 30, errors: 30 };
    const page = burnPairs(s, "page", slo(s, ctl.name))[0];
    const t = outageAt + detection(slo(s, ctl.name).budget, 1, HOUR, page.factor);
    assert.ok(Math.abs(t - outageAt - 51.84) < 1e-9);
    check(rulesFileOf(s), {
      interval: every,
      evaluation: every,
      series: [...serviceTraffic(ctl, [clean, outage]), ...serviceTraffic(app, [clean, { ...clean, steps: outage.steps }])],
      tests: [
        isNot(firing(FAST, ctl.name, AVAILABILITY_SLO), evalBefore(t, every)),
        is(firing(FAST, ctl.name, AVAILABILITY_SLO), secondEvalAfter(t, every)),
        isNot(firing(FAST, app.name, AVAILABILITY_SLO), secondEvalAfter(t, every)),
      ],
    });
  });

  it("pages on a 15x burn, when the 1h/5m pair says", () => {
    const s = fastPairOnly();
    const every = MIN;
    const start = HOUR; // a clean history as long as the page window
    const burn: Segment = { steps: 90, requests: 1000, errors: 15 };
    const page = burnPairs(s, "page", slo(s, ctl.name))[0];
    const t = start + detection(slo(s, ctl.name).budget, burn.errors! / burn.requests, HOUR, page.factor);
    check(rulesFileOf(s), {
      interval: every,
      evaluation: every,
      series: [...serviceTraffic(ctl, [{ steps: start / every, requests: 1000 }, burn]), ...serviceTraffic(app, [{ steps: start / every + burn.steps, requests: 1000 }])],
      tests: [isNot(firing(FAST, ctl.name, AVAILABILITY_SLO), evalBefore(t, every)), is(firing(FAST, ctl.name, AVAILABILITY_SLO), secondEvalAfter(t, every))],
    });
  });

  it("does not page on a 2x burn, and raises the ticket when the 3d/1x pair says", () => {
    const s = lean();
    const [c, a] = s.services;
    const every = 5 * MIN;
    const start = 3 * DAY; // a clean history as long as the longest ticket window
    const burn: Segment = { steps: (2 * DAY) / every, requests: 5000, errors: 10 };
    const ticket = burnPairs(s, "ticket", slo(s, c.name))[1];
    assert.deepEqual([ticket.long, ticket.factor], ["3d", 1]);
    const t = start + detection(slo(s, c.name).budget, burn.errors! / burn.requests, 3 * DAY, ticket.factor);
    assert.ok(Math.abs(t - start - 36 * HOUR) < 1e-6);
    const end = start + burn.steps * every;
    check(rulesFileOf(s), {
      interval: every,
      evaluation: every,
      series: [...serviceTraffic(c, [{ steps: start / every, requests: 5000 }, burn]), ...serviceTraffic(a, [{ steps: start / every + burn.steps, requests: 5000 }])],
      tests: [
        // The ticket reads the 3-day window the history group records: it fires within three evaluations past t.
        isNot(firing(SLOW, c.name, AVAILABILITY_SLO), evalBefore(t, every)),
        is(firing(SLOW, c.name, AVAILABILITY_SLO), t + 3 * every),
        isNot(`max_over_time(ALERTS{alertname="${FAST}"}[${end}s])`, end),
      ],
    });
  });

  it("fires nothing when errors burn a fifth of the budget's rate for a whole period, and leaves exactly 80%", () => {
    // A 7-day period: its slowest ticket (10% in 3 days) fires from a burn of 0.233 on.
    const s = lean(7);
    const [c, a] = s.services;
    const every = 5 * MIN;
    const days = s.slo.periodDays;
    const half: Segment = { steps: (days * DAY) / every, requests: 5000, errors: 1 };
    assert.equal(half.errors! / half.requests, slo(s, c.name).budget / 5);
    assert.ok(Math.min(...burnPairs(s, "ticket", slo(s, c.name)).map((p) => p.factor)) > 0.2);
    const end = days * DAY;
    check(rulesFileOf(s), {
      interval: every,
      // A steady burn: an evaluation every 15 minutes sees any alert it could raise.
      evaluation: 3 * every,
      series: [...serviceTraffic(c, [half]), ...serviceTraffic(a, [{ ...half, errors: 0 }])],
      tests: [
        isNot(anySloAlert(end), end),
        near(remaining(c.name, AVAILABILITY_SLO), 0.8, end),
        near(remaining(a.name, AVAILABILITY_SLO), 1, end),
        // The plane weighs each service by its traffic and budget: a fifth spent over one of one.
        near(SLO_SERIES.plane.budgetRemaining(c.plane), 0.8, end),
      ],
    });
  });

  it("counts a young history's missing part as not spent: a 10-minute 50% burst spends 10 min × 50% / (0.1% × 30 days) ≈ 11.6%", () => {
    const s = lean();
    const [c, a] = s.services;
    const every = MIN;
    // A fresh stack: 20 minutes of clean traffic, the burst, then clean traffic to hour three.
    const before: Segment = { steps: 20, requests: 600 };
    const burst: Segment = { steps: 10, requests: 600, errors: 300 };
    const after: Segment = { steps: 150, requests: 600 };
    const spent = (10 * MIN * 0.5) / (0.001 * 30 * DAY);
    assert.ok(Math.abs(spent - 0.11574) < 1e-4);
    const burstEnd = 30 * MIN;
    const tests: ExprTest[] = [
      // Defined from the first evaluation with two grid points of history.
      near(remaining(c.name, AVAILABILITY_SLO), 1, 5 * MIN),
      // Right after the burst, and still the same hours later: the budget is a period's, not an hour's.
      near(remaining(c.name, AVAILABILITY_SLO), 1 - spent, burstEnd + 5 * MIN, 1e-6),
      near(remaining(c.name, AVAILABILITY_SLO), 1 - spent, 3 * HOUR, 1e-6),
      // ...so no budget-policy alert fires (review is below 50%), and neither does exhausted.
      isNot(`max_over_time(ALERTS{alertname=~"${Object.values(SLO_ALERTS.policy).join("|")}"}[${3 * HOUR}s])`, 3 * HOUR),
      near(remaining(a.name, AVAILABILITY_SLO), 1, 3 * HOUR),
    ];
    check(rulesFileOf(s), {
      interval: every,
      evaluation: every,
      series: [...serviceTraffic(c, [before, burst, after]), ...serviceTraffic(a, [{ steps: stepsOf([before, burst, after]), requests: 600 }])],
      tests,
    });
  });

  it("resets the page within about the short window after recovery", () => {
    const s = lean();
    const every = 30;
    const start = 6 * HOUR;
    const clean = (steps: number): Segment => ({ steps, requests: 100 });
    const outage = (minutes: number): Segment => ({ steps: (minutes * MIN) / every, requests: 100, errors: 100 });
    const after = clean((40 * MIN) / every);
    // 2 minutes pages only through 1h/5m; 20 minutes also through 6h/30m, which then holds it.
    const shortEnd = start + 2 * MIN;
    const longEnd = start + 20 * MIN;
    check(rulesFileOf(s), {
      interval: every,
      evaluation: every,
      series: [
        ...serviceTraffic(ctl, [clean(start / every), outage(2), clean((18 * MIN) / every), after]),
        ...serviceTraffic(app, [clean(start / every), outage(20), after]),
      ],
      tests: [
        is(firing(FAST, ctl.name, AVAILABILITY_SLO), shortEnd),
        is(firing(FAST, ctl.name, AVAILABILITY_SLO), shortEnd + 5 * MIN - every),
        isNot(firing(FAST, ctl.name, AVAILABILITY_SLO), shortEnd + 5 * MIN + every),
        is(firing(FAST, app.name, AVAILABILITY_SLO), longEnd + 30 * MIN - every),
        isNot(firing(FAST, app.name, AVAILABILITY_SLO), longEnd + 30 * MIN + every),
      ],
    });
  });

  it("keeps hours of zero traffic silent, with every ratio 0 and every budget untouched", () => {
    const every = 5 * MIN;
    const end = 6 * HOUR;
    const idle: Segment = { steps: end / every, requests: 0 };
    const slos = slosOf(settings).length;
    const sloNames = 1 + settings.slo.latency.length;
    const count = (expr: string, n: number): ExprTest => ({ expr: `count(${expr})`, at: end, expect: [{ labels: "{}", value: n }] });
    const { raw, long } = recordedWindows(settings);
    check(rules, {
      interval: every,
      evaluation: every,
      series: [...serviceTraffic(ctl, [idle]), ...serviceTraffic(app, [idle])],
      tests: [
        isNot(anySloAlert(end), end),
        count(`${SLO_SERIES.budgetRemaining} == 1`, slos),
        count(`${SLO_SERIES.errorRate5m} == 0`, slos),
        ...[...raw, ...long, "period"].map((w) => count(`${SLO_SERIES.errorRatio(w)} == 0`, slos)),
        ...[ctl.plane, app.plane].flatMap((p) => [
          count(`${SLO_SERIES.plane.budgetRemaining(p)} == 1`, sloNames),
          count(`${SLO_SERIES.plane.availability(p, "5m")} == 1`, sloNames),
          count(`${SLO_SERIES.plane.availability(p, "period")} == 1`, sloNames),
        ]),
      ],
    });
  });

  it("pages on a P99 latency breach, with le written as Prometheus 2.x or 3.x writes it", () => {
    const s = fastPairOnly();
    const every = MIN;
    const start = HOUR;
    const p99 = slo(settings, ctl.name, "p99");
    const slow: Segment = { steps: 30, requests: 1000, slow: { p95: 500, p99: 500 } };
    const t = start + detection(p99.budget, 0.5, HOUR, burnPairs(s, "page", p99)[0].factor);
    const history: Segment = { steps: start / every, requests: 1000 };
    check(rulesFileOf(s), {
      interval: every,
      evaluation: every,
      series: [...serviceTraffic(ctl, [history, slow], { spelling: "2.x" }), ...serviceTraffic(app, [history, slow], { spelling: "3.x" })],
      tests: [ctl, app].flatMap((svc) => [
        isNot(firing(FAST, svc.name, p99.name), evalBefore(t, every)),
        is(firing(FAST, svc.name, p99.name), secondEvalAfter(t, every)),
        isNot(firing(FAST, svc.name, "p95"), secondEvalAfter(t, every)),
        isNot(firing(FAST, svc.name, AVAILABILITY_SLO), secondEvalAfter(t, every)),
      ]),
    });
  });

  it("raises its own no-data alert when an SLI metric is missing, instead of passing", () => {
    const every = MIN;
    const traffic: Segment = { steps: 30, requests: 100 };
    const missing = (service: string, name: string) => `count(ALERTS{alertname="${SLO_ALERTS.noData}",alertstate="firing",service="${service}",slo="${name}"})`;
    check(rules, {
      interval: every,
      evaluation: every,
      series: [...serviceTraffic(ctl, [traffic], { withoutRequests: true }), ...serviceTraffic(app, [traffic], { withoutBuckets: ["p99"] })],
      tests: [
        isNot(missing(ctl.name, AVAILABILITY_SLO), 9 * MIN),
        is(missing(ctl.name, AVAILABILITY_SLO), 11 * MIN),
        is(missing(app.name, "p99"), 11 * MIN),
        isNot(missing(ctl.name, "p99"), 11 * MIN),
        isNot(missing(app.name, AVAILABILITY_SLO), 11 * MIN),
        isNot(remaining(ctl.name, AVAILABILITY_SLO), 11 * MIN),
      ],
    });
  });

  it("records the period ratio of spiky traffic traffic-weighted (within 0.5%), where a mean of 5m ratios is off by half", () => {
    const s = lean(7);
    const [c, a] = s.services;
    const every = MIN;
    // Every 6 hours, 10 minutes of 100x traffic with 5% errors; quiet, error-free otherwise;
    // a last burst of 10% that ends 5 minutes before the check (the last partial hour counts).
    // Three days of a 7-day period: the window is all the history there is.
    const block: Segment[] = [
      { steps: 130, requests: 10 },
      { steps: 10, requests: 1000, errors: 50 },
      { steps: 220, requests: 10 },
    ];
    const segments = [...Array.from({ length: 11 }, () => block).flat(), { steps: 170, requests: 10 }, { steps: 10, requests: 1000, errors: 100 }, { steps: 5, requests: 10 }];
    const end = stepsOf(segments) * every;
    assert.equal(end % (5 * MIN), 0, "the check falls on a slot");
    const perStep = segments.flatMap((seg) => Array.from({ length: seg.steps }, () => ({ requests: seg.requests, errors: seg.errors ?? 0 })));
    const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
    // The exact ratio over the window the rules cover: the period, or all history when shorter.
    const exact = sum(perStep.map((p) => p.errors)) / sum(perStep.map((p) => p.requests));
    const fiveMinutes = Array.from({ length: perStep.length / 5 }, (_, i) => perStep.slice(i * 5, i * 5 + 5));
    const unweighted = sum(fiveMinutes.map((b) => sum(b.map((p) => p.errors)) / sum(b.map((p) => p.requests)))) / fiveMinutes.length;
    assert.ok(Math.abs(unweighted - exact) / exact > 0.5, "the scenario must tell a weighted ratio from an unweighted one");
    check(rulesFileOf(s), {
      interval: every,
      evaluation: 5 * MIN,
      series: [...serviceTraffic(c, segments), ...serviceTraffic(a, [{ steps: stepsOf(segments), requests: 10 }])],
      tests: [
        // The history older than a day is read on a 15-minute grid: its newest part counts at the average rate.
        near(series(SLO_SERIES.errorRatio("period"), c.name, AVAILABILITY_SLO), exact, end, exact * 0.005),
        near(`1 - ${SLO_SERIES.plane.availability(c.plane, "period")}`, exact, end, exact * 0.005),
      ],
    });
  });
});
