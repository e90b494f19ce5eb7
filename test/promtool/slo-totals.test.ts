// The running totals the long windows are built from, under promtool: each is the sum of the
// 5-minute increases of its chain (this evaluation, 5 minutes before, 10 minutes before, ...),
// the same sum the rules bench computes when it backfills totals (bench/rules/totals.ts).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { totals } from "../../bench/rules/totals";
import { SLO_SERIES } from "../../monitoring/conventions";
import { slosOf } from "../../monitoring/slo/objectives";
import { allOver, badOver } from "../../monitoring/slo/recording";
import { settingsOf, settingsWith, tmpDir } from "../helpers/tools";
import { check, MIN, remaining, rulesFileOf, series } from "./slo/scenario";
import { serviceTraffic } from "./slo/traffic";

describe("SLO running totals (promtool test rules)", function () {
  this.timeout(60_000);

  it("sum the 5-minute increases of their chain, and the bench's model sums them the same way", () => {
    const s = settingsWith("dev", { services: settingsOf("dev").services.map(({ job: _job, ...x }) => ({ ...x, slo: { latency: [] } })) });
    const slo = slosOf(s)[0];
    const helpers = path.join(tmpDir(), "helpers.yml");
    fs.writeFileSync(
      helpers,
      stringify({ groups: [{ name: "helpers", rules: [{ record: "test:bad:increase5m", expr: `${badOver(slo, "5m")} * 300` }, { record: "test:all:increase5m", expr: `${allOver(slo, "5m")} * 300` }] }] }, { lineWidth: 0 }),
    );
    const at = 61 * MIN; // its chain: 61m, 56m, ..., 1m (the first evaluation with a 5m increase)
    const chain = Array.from({ length: 13 }, (_, k) => k * 5);
    const sum = (m: string) => chain.map((k) => `${m}${k ? ` offset ${k}m` : ""}`).join(" + ");
    const traffic = [
      { steps: 20, requests: 600, errors: 3 },
      { steps: 15, requests: 1800, errors: 90 },
      { steps: 30, requests: 300, errors: 0 },
    ];
    const [svc, other] = s.services;
    check([rulesFileOf(s), helpers], {
      interval: MIN,
      evaluation: MIN,
      series: [...serviceTraffic(svc, traffic), ...serviceTraffic(other, [{ steps: 65, requests: 10 }])],
      tests: [
        { expr: `count(abs(${series(SLO_SERIES.cumulative.requests, svc.name, "availability")} - on () (${sum("test:all:increase5m")})) < 1e-6)`, at, expect: [{ labels: "{}", value: 1 }] },
        { expr: `count(abs(${series(SLO_SERIES.cumulative.errors, svc.name, "availability")} - on () (${sum("test:bad:increase5m")})) < 1e-6)`, at, expect: [{ labels: "{}", value: 1 }] },
        { expr: `count(${series(SLO_SERIES.cumulative.slots, svc.name, "availability")} == 13)`, at, expect: [{ labels: "{}", value: 1 }] },
      ],
    });
    // The bench's model: the same chain sum, starting where there is no increase 5 minutes before.
    const increases = new Map(chain.map((k) => [at - k * MIN, k + 1]));
    assert.equal(totals(increases, [at]).get(at), chain.reduce((a, k) => a + k + 1, 0));
    assert.equal(totals(increases, [at - 60 * MIN]).get(at - 60 * MIN), 61, "the chain starts at its first increase");
  });

  it("keep the budget reported through an outage: no SLI data for 25 minutes leaves it at its last value", () => {
    const s = settingsOf("dev");
    const [svc, other] = s.services;
    const gap = 25;
    // An hour of traffic with an incident, then the target stops answering: no samples at all.
    const before = serviceTraffic(svc, [{ steps: 20, requests: 600, errors: 60 }, { steps: 41, requests: 600 }]);
    const down = before.map((x) => ({ ...x, values: `${x.values} _x${gap}` }));
    const at = (61 + gap) * MIN;
    check(rulesFileOf(s), {
      interval: MIN,
      evaluation: MIN,
      series: [...down, ...serviceTraffic(other, [{ steps: 61 + gap, requests: 10 }])],
      tests: [
        // Present at the end of the gap, equal to what it read before the SLI went missing.
        { expr: `count(abs(${remaining(svc.name, "availability")} - ${remaining(svc.name, "availability")} offset ${gap}m) < 1e-9)`, at, expect: [{ labels: "{}", value: 1 }] },
        { expr: `count(${remaining(svc.name, "availability")} < 1)`, at, expect: [{ labels: "{}", value: 1 }] },
      ],
    });
  });
});
