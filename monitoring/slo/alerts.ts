// Alerts on the recorded SLO series: multi-window burn rates (page and ticket), the error
// budget policy, and a missing SLI metric.
import type { Settings } from "../../settings";
import { BURN_WINDOWS, LABELS, runbookUrl, SLO_ALERTS, SLO_SERIES, SloWindow } from "../conventions";
import { Slo } from "./objectives";
import { ratioOf } from "./promql";
import { AlertingRule } from "./rule-types";

const CATEGORY = { [LABELS.category]: "slo" };
const NO_DATA_FOR = "10m";

const who = "{{ $labels.service }} ({{ $labels.plane }} plane)";

/** One alert per name in BURN_WINDOWS: it fires when any of its window pairs burns too fast. */
export function burnRateAlerts(settings: Settings): AlertingRule[] {
  const names = [...new Set(BURN_WINDOWS.map((b) => b.alert))];
  return names.map((alert) => {
    const pairs = BURN_WINDOWS.filter((b) => b.alert === alert);
    const over = (w: SloWindow, rate: number) => `${SLO_SERIES.burnRate(w)} > ${rate}`;
    const expr = pairs.map((p) => `(${over(p.long, p.burnRate)} and ${over(p.short, p.burnRate)})`).join(" or ");
    const rule = pairs.map((p) => `${p.burnRate}x over ${p.long} and ${p.short}`).join(", or ");
    const page = pairs[0].severity === "critical";
    return {
      alert,
      expr,
      labels: { [LABELS.severity]: pairs[0].severity, ...CATEGORY },
      annotations: {
        summary: `${who}: {{ $labels.slo }} error budget burning ${page ? "fast" : "slowly"}`,
        description:
          `${who} is spending its {{ $labels.slo }} error budget {{ $value | printf "%.1f" }}x faster than the ` +
          `${settings.slo.periodDays}-day budget allows (fires at ${rule}). ` +
          (page ? "At this rate the budget is gone within hours: act now." : "Left alone, the budget runs out before the period ends."),
        runbook_url: runbookUrl(settings, alert),
      },
    };
  });
}

interface PolicyBand {
  action: keyof typeof SLO_ALERTS.policy;
  severity: string;
  /** Fires while remaining < percent (and at or above the next band's level). */
  percent: number;
  what: string;
  /** Deployments should wait: the alert carries deploy_freeze="true" for deploy gates. */
  freeze: boolean;
}

/**
 * The reference's error budget policy: one alert per band of budget remaining. These are
 * decisions for working hours, never pages: no band is critical, and routing sends them to the
 * SLO team and the service's owner only (monitoring/alertmanager/routes.ts). Burn-rate alerts page.
 */
export function budgetPolicyAlerts(settings: Settings): AlertingRule[] {
  const { review, freeze, stop } = settings.slo.budgetPolicy;
  const bands: PolicyBand[] = [
    { action: "review", severity: "info", percent: review, what: "review recent changes and increase monitoring", freeze: false },
    { action: "freeze", severity: "warning", percent: freeze, what: "freeze non-critical deployments", freeze: true },
    { action: "stop", severity: "warning", percent: stop, what: "stop all deployments and focus on reliability", freeze: true },
  ];
  const remaining = SLO_SERIES.budgetRemaining;
  const banded = bands.map((b, i): AlertingRule => {
    const next = bands[i + 1];
    const lower = next ? `${remaining} >= ${ratioOf(next.percent)}` : `${remaining} > 0`;
    return policyAlert(settings, b, `${remaining} < ${ratioOf(b.percent)} and ${lower}`, `below ${b.percent}%`);
  });
  const exhausted = policyAlert(
    settings,
    { action: "exhausted", severity: "warning", percent: 0, what: "stop all deployments until the budget recovers", freeze: true },
    `${remaining} <= 0`,
    "exhausted",
  );
  return [...banded, exhausted];
}

function policyAlert(settings: Settings, band: Omit<PolicyBand, "action"> & { action: PolicyBand["action"] | "exhausted" }, expr: string, state: string): AlertingRule {
  const { action, severity, what } = band;
  const alert = SLO_ALERTS.policy[action];
  return {
    alert,
    expr,
    labels: { [LABELS.severity]: severity, ...CATEGORY, [LABELS.policyAction]: action, ...(band.freeze ? { [LABELS.deployFreeze]: "true" } : {}) },
    annotations: {
      summary: `${who}: {{ $labels.slo }} error budget ${state}`,
      description:
        `${who} has {{ $value | humanizePercentage }} of its {{ $labels.slo }} error budget left over the last ` +
        `${settings.slo.periodDays} days. Error budget policy: ${what}.`,
      runbook_url: runbookUrl(settings, alert),
    },
  };
}

/** A missing SLI metric makes every SLO series of that SLO vanish: say so instead of passing. */
export function noDataAlerts(settings: Settings, slos: Slo[]): AlertingRule[] {
  return slos.map((slo) => ({
    alert: SLO_ALERTS.noData,
    expr: `absent(${slo.signal})`,
    for: NO_DATA_FOR,
    labels: { [LABELS.severity]: "warning", ...CATEGORY, ...slo.labels },
    annotations: {
      summary: `${slo.service.name}: no data for its ${slo.name} SLO`,
      description:
        `No series matches ${slo.signal} for ${NO_DATA_FOR}, so the ${slo.name} SLO of ${slo.service.name} ` +
        "cannot be computed and its burn-rate alerts cannot fire. Check the scrape target and the metric names in settings.",
      runbook_url: runbookUrl(settings, SLO_ALERTS.noData),
    },
  }));
}
