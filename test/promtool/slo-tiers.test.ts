// Burn-rate tiers under control (settings slo.*.tiers), under promtool: a tier turned off never
// fires, a tier given its own severity fires with it, and every burn alert says its tier.
import { AVAILABILITY_SLO, BURN_ALERTS } from "../../monitoring/conventions";
import { settingsWith, stackServices } from "../helpers/tools";
import { check, firing, HOUR, is, isNot, MIN, rulesFileOf } from "./slo/scenario";
import { Segment, serviceTraffic } from "./slo/traffic";

const FAST = BURN_ALERTS.page;

describe("burn-rate tiers (promtool test rules)", function () {
  this.timeout(600_000);

  it("never fires a tier turned off, fires a tier with its own severity, and labels every burn alert with its tier", () => {
    // tenant-management-service: its availability SLO without the 1h tier, the 6h tier a warning; cns-service as the stack says.
    const s = settingsWith("dev", {
      services: stackServices("dev").map((svc, i) => ({
        ...svc,
        slo: { latency: [], ...(i === 0 ? { availability: { objective: 99.9, tiers: { "1h": false, "6h": { severity: "warning" } } } } : {}) },
      })),
    });
    const [ctl, app] = s.services;
    const every = MIN;
    const clean: Segment = { steps: HOUR / every, requests: 100 };
    const outage: Segment = { steps: (40 * MIN) / every, requests: 100, errors: 100 };
    const end = HOUR + 40 * MIN;
    const alert = (service: string, tier: string, severity: string) =>
      `group(ALERTS{alertname="${FAST}",alertstate="firing",service="${service}",slo="${AVAILABILITY_SLO}",burn_tier="${tier}",severity="${severity}"})`;
    check(rulesFileOf(s), {
      interval: every,
      evaluation: every,
      series: [...serviceTraffic(ctl, [clean, outage]), ...serviceTraffic(app, [clean, outage])],
      tests: [
        // The same outage: cns-service pages on both tiers, as critical.
        is(alert(app.name, "1h", "critical"), end),
        is(alert(app.name, "6h", "critical"), end),
        // tenant-management-service: never the 1h tier, at any evaluation of the outage; the 6h tier as a warning.
        isNot(`max_over_time(ALERTS{alertname="${FAST}",service="${ctl.name}",burn_tier="1h"}[${end}s])`, end),
        is(alert(ctl.name, "6h", "warning"), end),
        isNot(firing(FAST, ctl.name, AVAILABILITY_SLO, "1h"), end),
        // Every burn alert carries a tier.
        isNot(`ALERTS{alertname=~"ErrorBudgetBurning.*",burn_tier=""}`, end),
      ],
    });
  });
});
