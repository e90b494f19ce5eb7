// The SLO rules under `promtool test rules`: burn-rate alerts fire when the SRE workbook's
// formula says, never on zero traffic, and the period ratio is traffic-weighted.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { AVAILABILITY_SLO, BURN_WINDOWS, LABELS, SLO_ALERTS, SLO_SERIES, SLO_WINDOWS, SloWindow } from "../../monitoring/conventions";
import { sloRules } from "../../monitoring/slo";
import { settingsOf, tmpDir } from "../helpers/tools";
import { ExprTest, labelSet, runScenario, Scenario } from "./slo/run";
import { Segment, serviceTraffic, stepsOf } from "./slo/traffic";

const settings = settingsOf("dev");
const [ctl, app] = settings.services; // tenant-management-service (control), cns-service (app)
assert.equal(ctl.plane, "control");
assert.equal(app.plane, "app");
const FAST = "ErrorBudgetBurningFast";
const SLOW = "ErrorBudgetBurningSlow";
const MIN = 60;
const HOUR = 3600;
const DAY = 24 * HOUR;

let rulesFile: string;
before(() => {
  rulesFile = path.join(tmpDir(), "slos.yml");
  fs.writeFileSync(rulesFile, sloRules(settings));
});

const firing = (alert: string, service: string, slo: string) =>
  `count(ALERTS{alertname="${alert}",alertstate="firing",service="${service}",slo="${slo}"})`;
const is = (expr: string, at: number): ExprTest => ({ expr, at, expect: [{ labels: "{}", value: 1 }] });
const isNot = (expr: string, at: number): ExprTest => ({ expr, at, expect: [] });
/** Every SLO alert that was pending or firing at any time in the last `range` seconds. */
const anySloAlert = (range: number) => `max_over_time(ALERTS{${LABELS.category}="slo"}[${range}s])`;

/** (1 - SLO) / e * long_window * burn_rate, in seconds. */
const detection = (budget: number, errorRatio: number, longSeconds: number, burnRate: number) => (budget / errorRatio) * longSeconds * burnRate;
/** The last evaluation strictly before t, and the second one after it. */
const evalBefore = (t: number, every: number) => Math.ceil(t / every) * every - every;
const secondEvalAfter = (t: number, every: number) => Math.floor(t / every) * every + 2 * every;

const fastPair = BURN_WINDOWS.find((b) => b.alert === FAST && b.long === "1h")!;
const budgetOf = (objectivePercent: number) => Number(((100 - objectivePercent) / 100).toPrecision(12));

function check(scenario: Scenario) {
  const r = runScenario(rulesFile, scenario);
  assert.ok(r.ok, r.output);
}

describe("SLO rules: promtool test rules", function () {
  this.timeout(180_000);

  it("pages on a 100% outage of a 99.9% SLO within two evaluations of the theoretical ~52 s", () => {
    const every = 15;
    const outageAt = HOUR;
    const clean: Segment = { steps: HOUR / every, requests: 30 };
    const outage: Segment = { steps: 10 * MIN / every, requests: 30, errors: 30 };
    const t = outageAt + detection(budgetOf(ctl.slo.availability.objective), 1, HOUR, fastPair.burnRate);
    assert.ok(Math.abs(t - outageAt - 51.84) < 1e-9);
    check({
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
    const every = MIN;
    const start = 6 * HOUR; // a clean history as long as the longest page window
    const budget = budgetOf(ctl.slo.availability.objective);
    const burn: Segment = { steps: 90, requests: 1000, errors: 15 };
    const t = start + detection(budget, (burn.errors! / burn.requests), HOUR, fastPair.burnRate);
    check({
      interval: every,
      evaluation: every,
      series: [...serviceTraffic(ctl, [{ steps: start / every, requests: 1000 }, burn]), ...serviceTraffic(app, [{ steps: start / every + burn.steps, requests: 1000 }])],
      tests: [isNot(firing(FAST, ctl.name, AVAILABILITY_SLO), evalBefore(t, every)), is(firing(FAST, ctl.name, AVAILABILITY_SLO), secondEvalAfter(t, every))],
    });
  });

  it("does not page on a 2x burn, and raises the ticket when the 3d/1x pair says", () => {
    const every = MIN;
    // Coarse evaluation keeps days of data fast; 30m is the step the 1d and 3d windows use.
    const evaluation = 30 * MIN;
    const start = 3 * DAY; // a clean history as long as the longest ticket window
    const budget = budgetOf(ctl.slo.availability.objective);
    const burn: Segment = { steps: (2 * DAY) / every, requests: 1000, errors: 2 };
    const slowPair = BURN_WINDOWS.find((b) => b.alert === SLOW && b.long === "3d")!;
    const t = start + detection(budget, burn.errors! / burn.requests, 3 * DAY, slowPair.burnRate);
    assert.ok(Math.abs(t - start - 36 * HOUR) < 1e-6);
    const end = start + burn.steps * every;
    // The 3d window is built from 30-minute steps: allow one step and an evaluation either side.
    const slack = 30 * MIN + evaluation;
    check({
      interval: every,
      evaluation,
      series: [...serviceTraffic(ctl, [{ steps: start / every, requests: 1000 }, burn]), ...serviceTraffic(app, [{ steps: start / every + burn.steps, requests: 1000 }])],
      tests: [
        isNot(firing(SLOW, ctl.name, AVAILABILITY_SLO), t - slack),
        is(firing(SLOW, ctl.name, AVAILABILITY_SLO), t + slack),
        isNot(`max_over_time(ALERTS{alertname="${FAST}"}[${end}s])`, end),
      ],
    });
  });

  it("fires nothing when errors spend half the budget rate for 30 days", () => {
    const every = MIN;
    // Hourly evaluation: the period window is built from 1h rates at 1h steps.
    const evaluation = HOUR;
    const days = settings.slo.periodDays;
    const half: Segment = { steps: (days * DAY) / every, requests: 1000, errors: 0.5 };
    assert.equal(half.errors! / half.requests, budgetOf(ctl.slo.availability.objective) / 2);
    const end = days * DAY;
    const remaining = `${SLO_SERIES.budgetRemaining}{service="${ctl.name}",slo="${AVAILABILITY_SLO}"}`;
    check({
      interval: every,
      evaluation,
      series: [...serviceTraffic(ctl, [half]), ...serviceTraffic(app, [{ ...half, errors: 0 }])],
      tests: [
        isNot(anySloAlert(end), end),
        // Half the budget is left: exactly at the review level, which fires only below it.
        {
          expr: `abs(${remaining} - 0.5) < bool 1e-9`,
          at: end,
          expect: [{ labels: labelSet({ plane: ctl.plane, service: ctl.name, slo: AVAILABILITY_SLO, team: ctl.team! }), value: 1 }],
        },
      ],
    });
  });

  it("resets the page within about the short window after recovery", () => {
    const every = 30;
    const start = 6 * HOUR;
    const clean = (steps: number): Segment => ({ steps, requests: 100 });
    const outage = (minutes: number): Segment => ({ steps: (minutes * MIN) / every, requests: 100, errors: 100 });
    const after = clean(40 * MIN / every);
    // 2 minutes pages only through 1h/5m; 20 minutes also through 6h/30m, which then holds it.
    const shortEnd = start + 2 * MIN;
    const longEnd = start + 20 * MIN;
    check({
      interval: every,
      evaluation: every,
      series: [
        ...serviceTraffic(ctl, [clean(start / every), outage(2), clean(18 * MIN / every), after]),
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

  it("keeps hours of zero traffic silent, with every budget and burn-rate series a number", () => {
    const every = MIN;
    const end = 6 * HOUR;
    const idle: Segment = { steps: end / every, requests: 0 };
    const slos = settings.services.length * (1 + settings.slo.latency.length);
    const sloNames = 1 + settings.slo.latency.length;
    const count = (expr: string, n: number): ExprTest => ({ expr: `count(${expr})`, at: end, expect: [{ labels: "{}", value: n }] });
    const windows: SloWindow[] = [...SLO_WINDOWS, "period"];
    check({
      interval: every,
      evaluation: 5 * MIN,
      series: [...serviceTraffic(ctl, [idle]), ...serviceTraffic(app, [idle])],
      tests: [
        isNot(anySloAlert(end), end),
        count(`${SLO_SERIES.budgetRemaining} == 1`, slos),
        ...windows.flatMap((w) => [count(`${SLO_SERIES.errorRatio(w)} == 0`, slos), count(`${SLO_SERIES.burnRate(w)} == 0`, slos)]),
        ...[ctl.plane, app.plane].flatMap((p) => [
          count(`${SLO_SERIES.plane.budgetRemaining(p)} == 1`, sloNames),
          ...windows.flatMap((w) => [count(`${SLO_SERIES.plane.availability(p, w)} == 1`, sloNames), count(`${SLO_SERIES.plane.burnRate(p, w)} == 0`, sloNames)]),
        ]),
      ],
    });
  });

  it("pages on a P99 latency breach, with le written as Prometheus 2.x or 3.x writes it", () => {
    const every = MIN;
    const start = 6 * HOUR;
    const p99 = ctl.slo.latency.find((l) => l.name === "p99")!;
    const slow: Segment = { steps: 30, requests: 1000, slow: { p95: 500, p99: 500 } };
    const t = start + detection(budgetOf(p99.objective), 0.5, HOUR, fastPair.burnRate);
    const history: Segment = { steps: start / every, requests: 1000 };
    check({
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
    const missing = (service: string, slo: string) =>
      `count(ALERTS{alertname="${SLO_ALERTS.noData}",alertstate="firing",service="${service}",slo="${slo}"})`;
    check({
      interval: every,
      evaluation: every,
      series: [...serviceTraffic(ctl, [traffic], { withoutRequests: true }), ...serviceTraffic(app, [traffic], { withoutBuckets: ["p99"] })],
      tests: [
        isNot(missing(ctl.name, AVAILABILITY_SLO), 9 * MIN),
        is(missing(ctl.name, AVAILABILITY_SLO), 11 * MIN),
        is(missing(app.name, "p99"), 11 * MIN),
        isNot(missing(ctl.name, "p99"), 11 * MIN),
        isNot(missing(app.name, AVAILABILITY_SLO), 11 * MIN),
        isNot(`${SLO_SERIES.budgetRemaining}{service="${ctl.name}",slo="${AVAILABILITY_SLO}"}`, 11 * MIN),
      ],
    });
  });

  it("records the period availability of spiky traffic within 0.1 percentage point of the exact weighted value", () => {
    const every = MIN;
    // Every 6 hours, 10 minutes of 100x traffic with 5% errors; quiet, error-free otherwise.
    const block: Segment[] = [
      { steps: 130, requests: 10 },
      { steps: 10, requests: 1000, errors: 50 },
      { steps: 220, requests: 10 },
    ];
    const segments = Array.from({ length: 8 }, () => block).flat();
    const end = stepsOf(segments) * every;
    const perStep = segments.flatMap((s) => Array.from({ length: s.steps }, () => ({ requests: s.requests, errors: s.errors ?? 0 })));
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const exact = 1 - sum(perStep.map((p) => p.errors)) / sum(perStep.map((p) => p.requests));
    // What an unweighted mean of 5-minute ratios (the common mistake) would report instead.
    const fiveMinutes = Array.from({ length: perStep.length / 5 }, (_, i) => perStep.slice(i * 5, i * 5 + 5));
    const unweighted = 1 - sum(fiveMinutes.map((b) => sum(b.map((p) => p.errors)) / sum(b.map((p) => p.requests)))) / fiveMinutes.length;
    assert.ok(Math.abs(unweighted - exact) > 0.01, "the scenario must tell a weighted ratio from an unweighted one");
    const service = `1 - ${SLO_SERIES.errorRatio("period")}{service="${ctl.name}",slo="${AVAILABILITY_SLO}"}`;
    const plane = `${SLO_SERIES.plane.availability(ctl.plane, "period")}{slo="${AVAILABILITY_SLO}"}`;
    const within = (expr: string) => `abs((${expr}) - ${exact}) < bool 0.001`;
    check({
      interval: every,
      evaluation: HOUR,
      series: [...serviceTraffic(ctl, segments), ...serviceTraffic(app, [{ steps: stepsOf(segments), requests: 10 }])],
      tests: [
        { expr: within(service), at: end, expect: [{ labels: labelSet({ plane: ctl.plane, service: ctl.name, slo: AVAILABILITY_SLO, team: ctl.team! }), value: 1 }] },
        { expr: within(plane), at: end, expect: [{ labels: labelSet({ plane: ctl.plane, slo: AVAILABILITY_SLO }), value: 1 }] },
      ],
    });
  });
});
