// Every kind of SLI under promtool, and periods other than 30 days: an events SLO on gRPC
// counters, a latency SLO on another histogram narrowed by a selector, burn factors from 28-
// and 7-day periods (one set per SLO), and the low-traffic guard on pages.
import * as assert from "node:assert/strict";
import { AVAILABILITY_SLO, BURN_ALERTS } from "../../monitoring/conventions";
import { slosOf } from "../../monitoring/slo/objectives";
import { burnPairs } from "../../monitoring/slo/windows";
import { Settings } from "../../settings";
import { settingsOf, settingsWith, stackServices } from "../helpers/tools";
import { check, detection, evalBefore, firing, HOUR, is, isNot, MIN, rulesFileOf, secondEvalAfter } from "./slo/scenario";
import { counter, counterPair, Segment, serviceTraffic, stepsOf, targetLabels } from "./slo/traffic";

const FAST = BURN_ALERTS.page;
const dev = settingsOf("dev");
const [ctl, app] = dev.services;
const GRPC = "grpc_server_handled_total";
const HIST = "grpc_server_handling_seconds";

/** The dev stack where cns-service serves gRPC only: an events SLO (7-day period) and a latency SLO on the gRPC histogram's Get method. */
function grpcStack(extra: Record<string, unknown> = {}): Settings {
  const job = `job="${app.job}"`;
  const services = stackServices("dev").map((s) =>
    s.name !== app.name
      ? { ...s, slo: { latency: [] } }
      : {
          ...s,
          slo: {
            availability: false,
            latency: [{ name: "get-p99", thresholdSeconds: 0.25, objective: 99, metric: HIST, selector: 'grpc_method="Get"', buckets: [0.05, 0.25, 1] }],
            events: [
              {
                name: "grpc-availability",
                objective: 99.9,
                periodDays: 7,
                errors: `sum(rate(${GRPC}{${job},grpc_code!="OK"}[{{window}}]))`,
                total: `sum(rate(${GRPC}{${job}}[{{.window}}]))`,
              },
            ],
          },
        },
  );
  return settingsWith("dev", { services, slo: { alerting: { page: [{ long: "1h", short: "5m", budgetPercent: 2 }], ticket: [] } }, ...extra });
}

const sloOf = (s: Settings, service: string, name: string) => slosOf(s).find((x) => x.service.name === service && x.name === name)!;

/** gRPC traffic of cns-service: handled calls split OK / Unavailable, and the handling histogram per method. */
function grpcTraffic(segments: Segment[], slowGets: (s: Segment) => number = () => 0, slowPuts: (s: Segment) => number = () => 0) {
  // The labels cns-service's scrape job attaches to every series.
  const job = targetLabels(app);
  const bucket = (method: string, le: string, perStep: (s: Segment) => number) => ({ series: `${HIST}_bucket{${job},grpc_method="${method}",le="${le}"}`, values: counter(segments, perStep) });
  return [
    { series: `up{${job}}`, values: `1x${stepsOf(segments)}` },
    ...counterPair(GRPC, job, { label: "grpc_code", good: "OK", bad: "Unavailable" }, segments),
    ...["Get", "Put"].flatMap((m) => {
      const slow = m === "Get" ? slowGets : slowPuts;
      return [
        bucket(m, "0.05", (s) => s.requests - slow(s)),
        bucket(m, "0.25", (s) => s.requests - slow(s)),
        bucket(m, "1", (s) => s.requests),
        bucket(m, "+Inf", (s) => s.requests),
        { series: `${HIST}_count{${job},grpc_method="${m}"}`, values: counter(segments, (s) => s.requests) },
      ];
    }),
  ];
}

describe("SLI kinds and periods (promtool test rules)", function () {
  this.timeout(600_000);

  it("pages on a 100% outage of a gRPC events SLO with a 7-day period within the workbook time (~12 s, well within five minutes)", () => {
    const s = grpcStack();
    const events = sloOf(s, app.name, "grpc-availability");
    const page = burnPairs(s, "page", events)[0];
    assert.equal(page.factor, 3.36, "2% of a 7-day budget in 1h");
    const every = 15;
    const outageAt = HOUR;
    const t = outageAt + detection(events.budget, 1, HOUR, page.factor);
    assert.ok(Math.abs(t - outageAt - 12.096) < 1e-9);
    const clean: Segment = { steps: outageAt / every, requests: 30 };
    const outage: Segment = { steps: (10 * MIN) / every, requests: 30, errors: 30 };
    check(rulesFileOf(s), {
      interval: every,
      evaluation: every,
      series: [...grpcTraffic([clean, outage]), ...serviceTraffic(ctl, [{ ...clean, steps: clean.steps + outage.steps }])],
      tests: [
        isNot(firing(FAST, app.name, "grpc-availability"), evalBefore(t, every)),
        is(firing(FAST, app.name, "grpc-availability"), secondEvalAfter(t, every)),
        is(firing(FAST, app.name, "grpc-availability"), outageAt + 5 * MIN),
        isNot(firing(FAST, ctl.name, AVAILABILITY_SLO), outageAt + 5 * MIN),
      ],
    });
  });

  it("keeps the gRPC SLOs silent on healthy traffic, and pages the latency SLO only for its own method", () => {
    const s = grpcStack();
    const every = MIN;
    const healthy: Segment = { steps: 2 * (HOUR / every), requests: 600 };
    const getP99 = sloOf(s, app.name, "get-p99");
    const slowHour: Segment = { steps: HOUR / every, requests: 600 };
    // Half the Get calls slower than 250 ms in the second hour; Put calls slow all along.
    const t = HOUR + detection(getP99.budget, 0.5, HOUR, burnPairs(s, "page", getP99)[0].factor);
    check(rulesFileOf(s), {
      interval: every,
      evaluation: every,
      series: [
        ...grpcTraffic([{ steps: HOUR / every, requests: 600 }, slowHour], (seg) => (seg === slowHour ? 300 : 0), (seg) => seg.requests),
        ...serviceTraffic(ctl, [healthy]),
      ],
      tests: [
        isNot(firing(FAST, app.name, "get-p99"), HOUR),
        isNot(firing(FAST, app.name, "get-p99"), evalBefore(t, every)),
        is(firing(FAST, app.name, "get-p99"), secondEvalAfter(t, every)),
        isNot(`max_over_time(ALERTS{alertname=~"ErrorBudgetBurning.*",service="${app.name}",slo="grpc-availability"}[${2 * HOUR}s])`, 2 * HOUR),
      ],
    });
  });

  it("derives factors from a 28-day period: a 14x burn pages on the 1h/5m pair and a 13x burn does not", () => {
    const s = settingsWith("dev", { services: stackServices("dev").map((x) => ({ ...x, slo: { latency: [] } })), slo: { periodDays: 28 } });
    const a = sloOf(s, ctl.name, AVAILABILITY_SLO);
    assert.deepEqual(burnPairs(s, "page", a).map((p) => p.factor), [13.44, 5.6]);
    assert.deepEqual(burnPairs(s, "ticket", a).map((p) => p.factor), [2.8, 0.933333333333]);
    const every = MIN;
    const start = 6 * HOUR;
    const clean: Segment = { steps: start / every, requests: 1000 };
    // 90 minutes of burn: past the 1h window, short of what the 6h/5.6x pair needs (13x · 1.5h / 6h = 3.25x).
    const burn = (x: number): Segment => ({ steps: 90, requests: 1000, errors: x });
    const t14 = start + detection(a.budget, 0.014, HOUR, 13.44);
    check(rulesFileOf(s), {
      interval: every,
      evaluation: every,
      series: [...serviceTraffic(ctl, [clean, burn(14)]), ...serviceTraffic(app, [clean, burn(13)])],
      tests: [
        isNot(firing(FAST, ctl.name, AVAILABILITY_SLO), evalBefore(t14, every)),
        is(firing(FAST, ctl.name, AVAILABILITY_SLO), secondEvalAfter(t14, every)),
        isNot(`max_over_time(ALERTS{alertname="${FAST}",service="${app.name}"}[${start + 90 * MIN}s])`, start + 90 * MIN),
      ],
    });
  });

  it("needs enough events for a page: a quiet service's one failure in two does not page, a real outage at normal traffic does", () => {
    const s = settingsWith("dev", { services: stackServices("dev").map((x) => ({ ...x, slo: { latency: [] } })), slo: { alerting: { page: [{ long: "1h", short: "5m", budgetPercent: 2 }], ticket: [] } } });
    assert.equal(s.slo.alerting.minEvents, 10, "the documented default");
    const every = MIN;
    const quietHour: Segment = { steps: 60, requests: 0 };
    // 3 a.m.: one request a minute for 10 minutes, half of them failing (5 in every 5 minutes).
    const trickle: Segment = { steps: 10, requests: 1, errors: 0.5 };
    const busy: Segment = { steps: 60, requests: 100 };
    const outage: Segment = { steps: 10, requests: 100, errors: 100 };
    check(rulesFileOf(s), {
      interval: every,
      evaluation: every,
      series: [...serviceTraffic(ctl, [quietHour, trickle, { steps: 10, requests: 0 }]), ...serviceTraffic(app, [busy, outage, { steps: 10, requests: 100 }])],
      tests: [
        isNot(`max_over_time(ALERTS{alertname="${FAST}",service="${ctl.name}"}[${80 * MIN}s])`, 80 * MIN),
        // Without the guard it would page: both windows are far above 1.44%.
        is(`count((slo:sli_error:ratio_rate1h{service="${ctl.name}",slo="availability"} > 0.0144) and on () (slo:sli_errors:rate5m{service="${ctl.name}",slo="availability"} / slo:sli_requests:rate5m{service="${ctl.name}",slo="availability"} > 0.0144))`, 70 * MIN),
        is(firing(FAST, app.name, AVAILABILITY_SLO), 60 * MIN + 3 * MIN),
      ],
    });
  });
});
