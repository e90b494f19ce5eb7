// An SLO imported from OpenSLO v1 as most published examples write it: a counter ratio with
// `good` (non-5xx) and `total` series. Every request that fails exists only in `total`, so the
// importer must aggregate each side before subtracting; series-by-series subtraction drops the
// failures and the SLO never pages. Proven under promtool at 50% errors.
import * as assert from "node:assert/strict";
import { BURN_ALERTS } from "../../monitoring/conventions";
import { fromOpenSlo } from "../../settings/import/openslo";
import { settingsOf, settingsWith, stackServices } from "../helpers/tools";
import { check, firing, HOUR, is, isNot, MIN, rulesFileOf } from "./slo/scenario";
import { serviceTraffic } from "./slo/traffic";

const dev = settingsOf("dev");
const [ctl, app] = dev.services;

const openSlo = (job: string) => ({
  apiVersion: "openslo/v1",
  kind: "SLO",
  metadata: { name: "search-availability" },
  spec: {
    service: app.name,
    budgetingMethod: "Occurrences",
    timeWindow: [{ duration: "30d", isRolling: true }],
    objectives: [{ target: 0.999 }],
    indicator: {
      metadata: { name: "search-availability" },
      spec: {
        ratioMetric: {
          counter: true,
          good: { metricSource: { type: "Prometheus", spec: { query: `http_requests_total{job="${job}",code!~"5.."}` } } },
          total: { metricSource: { type: "Prometheus", spec: { query: `http_requests_total{job="${job}"}` } } },
        },
      },
    },
  },
});

describe("an imported OpenSLO counter ratio (promtool test rules)", function () {
  this.timeout(600_000);

  it("pages at 50% errors: good and total are each aggregated before the subtraction", () => {
    const [imported] = fromOpenSlo([openSlo(app.job)], "search.yaml", dev.slo.alerting);
    const slo = imported.slos[0];
    assert.match(slo.errors, /^sum\(/, slo.errors);
    const services = stackServices("dev").map((s) => (s.name !== app.name ? { ...s, slo: { latency: [] } } : { ...s, slo: { availability: false, latency: [], events: [slo] } }));
    const s = settingsWith("dev", { services });
    const every = MIN;
    const outageAt = HOUR;
    check(rulesFileOf(s), {
      interval: every,
      evaluation: every,
      series: [
        ...serviceTraffic(app, [{ steps: outageAt / every, requests: 600 }, { steps: 20, requests: 600, errors: 300 }]),
        ...serviceTraffic(ctl, [{ steps: outageAt / every + 20, requests: 600 }]),
      ],
      tests: [
        isNot(firing(BURN_ALERTS.page, app.name, slo.name), outageAt),
        is(firing(BURN_ALERTS.page, app.name, slo.name), outageAt + 10 * MIN),
      ],
    });
  });
});
