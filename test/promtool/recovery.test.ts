// Recovery is quiet: after an error burst ends, the 5m error ratio decays through the warning
// band, and HighErrorRate must not fire on its own while CriticalErrorRate resolves (Alertmanager
// would then deliver the warning the critical alert was inhibiting). CriticalErrorRate stays
// firing for one rate window after its condition clears, which covers that decay.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { durationSeconds } from "../../monitoring/duration";
import { RATE_WINDOW } from "../../monitoring/alerts/service-metrics";
import { FILES } from "../../monitoring/layout";
import { RULE_FILES } from "../../monitoring/conventions";
import { renderTo, settingsOf } from "../helpers/tools";
import { runScenario } from "./slo/run";
import { counter, targetLabels } from "./slo/traffic";

const settings = settingsOf("dev");
const svc = settings.services.find((s) => s.name === "cns-service")!;
const STEP = 15;
const MIN = 60;

describe("recovery after an error burst (promtool test rules)", function () {
  this.timeout(600_000);

  it("never has HighErrorRate firing without CriticalErrorRate, and CriticalErrorRate resolves one window after the errors stop", () => {
    const dir = renderTo(settings);
    const files = [RULE_FILES.critical, RULE_FILES.warnings].map((f) => path.join(dir, FILES.rule(f)));
    const perStep = 150;
    const burst = { steps: (10 * MIN) / STEP, requests: perStep, errors: perStep / 2 }; // 50% errors
    const after = { steps: (25 * MIN) / STEP, requests: perStep, errors: 0 };
    const job = targetLabels(svc);
    const series = [
      { series: `${svc.metrics.requests}{${job},code="200"}`, values: counter([burst, after], (s) => s.requests - (s.errors ?? 0)) },
      { series: `${svc.metrics.requests}{${job},code="500"}`, values: counter([burst, after], (s) => s.errors ?? 0) },
    ];
    const end = (burst.steps + after.steps) * STEP;
    const recovery = burst.steps * STEP;
    const alerts = (name: string) => `ALERTS{alertname="${name}",alertstate="firing",service="${svc.name}"}`;
    const highAlone = `${alerts("HighErrorRate")} unless on (service) ${alerts("CriticalErrorRate")}`;
    const keep = durationSeconds(RATE_WINDOW);
    const firing = (name: string, at: number) => ({ expr: `count(${alerts(name)})`, at, expect: [{ labels: "{}", value: 1 }] });
    const quiet = (expr: string, at: number) => ({ expr, at, expect: [] });
    const r = runScenario(files, {
      interval: STEP,
      evaluation: STEP,
      series,
      tests: [
        // Not vacuous: both fire during the burst (HighErrorRate is there to be inhibited).
        firing("CriticalErrorRate", recovery),
        firing("HighErrorRate", recovery),
        // The 5m ratio is below 5% by 4.5 min after the burst, below 1% by 5 min; the critical
        // alert is kept firing until one window after it cleared.
        firing("CriticalErrorRate", recovery + 4.5 * MIN + keep - STEP),
        quiet(`count(${alerts("HighErrorRate")})`, recovery + 5 * MIN + STEP),
        // At no evaluation from the burst to the end did the warning fire on its own.
        quiet(`max_over_time((${highAlone})[${end}s:${STEP}s])`, end),
        // Expected resolve time: about one window (ratio decay) plus one window (kept firing).
        quiet(`count(${alerts("CriticalErrorRate")})`, recovery + 5 * MIN + keep + STEP),
      ],
    });
    assert.ok(r.ok, r.output);
  });
});
