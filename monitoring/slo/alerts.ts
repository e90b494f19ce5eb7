// Alerts on the SLOs: multi-window burn rates per SLO (page and ticket, factors from the SLO's
// period, pages only with enough events), the error budget policy, and a missing SLI.
import type { Settings } from "../../settings";
import { BURN_ALERTS, LABELS, runbookUrl, SLO_ALERTS, SLO_SERIES } from "../conventions";
import { Slo, agg, on } from "./objectives";
import { ratioOf, safeRatio } from "../promql";
import { silenced } from "../maintenance";
import { allOver, historyEvents } from "./recording";
import { AlertingRule } from "./rule-types";
import { BurnPair, SEAM, SLOT, SLOT_SECONDS, burnPairs, isRaw } from "./windows";
import { durationSeconds } from "../duration";

const CATEGORY = { [LABELS.category]: "slo" };
const NO_DATA_FOR = "10m";

const who = "{{ $labels.service }} ({{ $labels.plane }} plane)";

/** The SLO's error ratio over a window, from the series the rules record. */
function ratioOver(slo: Slo, window: string): string {
  if (window === SLOT) return safeRatio(slo.of(SLO_SERIES.errorRate5m), slo.of(SLO_SERIES.requestRate5m));
  return slo.of(SLO_SERIES.errorRatio(window));
}

/** Events over a window: the recorded 5m rate, raw series, or raw history as the history group reads it. */
function eventsOver(slo: Slo, window: string): string {
  if (window === SLOT) return `${slo.of(SLO_SERIES.requestRate5m)} * ${SLOT_SECONDS}`;
  if (isRaw(window)) return `${allOver(slo, window)} * ${durationSeconds(window)}`;
  return window === SEAM ? slo.of(SLO_SERIES.requests(SEAM)) : historyEvents(slo, "all", window);
}

/** Whether an alert reads only series of the history group, and so is evaluated with them. */
export const inHistoryGroup = (p: BurnPair): boolean => !isRaw(p.long) && !isRaw(p.short);

/** A burn-rate alert of one SLO and tier, and the window pair it reads. */
export interface BurnAlert {
  rule: AlertingRule;
  pair: BurnPair;
}

/** One burn-rate alert of one SLO and tier (its window pair): it fires when both windows burn too fast. */
function burnAlert(settings: Settings, kind: "page" | "ticket", slo: Slo, p: BurnPair): AlertingRule | undefined {
  const tier = slo.tiers[p.long];
  if (tier === false) return undefined;
  const minEvents = settings.slo.alerting.minEvents;
  const page = kind === "page";
  const over = (w: string) => `((${ratioOver(slo, w)}) > ${p.threshold})`;
  const both = `${over(p.long)} and ${on(slo)} ${over(p.short)}`;
  // A page needs enough events in its short window: with two requests, one failure is 50%.
  const needsEvents = page && minEvents > 0 && !slo.sli.slices;
  return {
    alert: BURN_ALERTS[kind],
    // Silent inside a maintenance window of its services, whatever it silences.
    expr: silenced(needsEvents ? `${both} and ${on(slo)} ((${eventsOver(slo, p.short)}) >= ${minEvents})` : both, slo.services, "slo", false),
    labels: { [LABELS.severity]: tier?.severity ?? (page ? "critical" : "warning"), ...CATEGORY, ...slo.labels, [LABELS.burnTier]: p.long },
    annotations: {
      summary: `${who}: {{ $labels.slo }} error budget burning ${page ? "fast" : "slowly"}`,
      description:
        `${who} is spending its {{ $labels.slo }} error budget too fast for its ${slo.calendar ? `calendar ${slo.calendar.unit}` : `${slo.periodDays}-day period`}: ` +
        `{{ $value | humanizePercentage }} of its events fail over the last ${p.long} (tier ${p.long}: fires at ${p.factor}x over ${p.long} and ${p.short}` +
        `${needsEvents ? `, with at least ${minEvents} events in the short window` : ""}). ` +
        (page ? "At this rate the budget is gone within hours: act now." : "Left alone, the budget runs out before the period ends."),
      runbook_url: runbookUrl(settings, BURN_ALERTS[kind]),
    },
  };
}

/** The burn-rate alerts of one kind for one SLO: one per tier that is not turned off. */
export const burnRateAlerts = (settings: Settings, slo: Slo, kind: "page" | "ticket"): BurnAlert[] =>
  burnPairs(settings, kind, slo).flatMap((pair) => {
    const rule = burnAlert(settings, kind, slo, pair);
    return rule ? [{ rule, pair }] : [];
  });

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
        `${who} has {{ $value | humanizePercentage }} of its {{ $labels.slo }} error budget left over its SLO period ` +
        `(${settings.slo.periodDays} days unless the SLO sets its own). Error budget policy: ${what}.`,
      runbook_url: runbookUrl(settings, alert),
    },
  };
}

/**
 * A missing SLI metric makes every SLO series of that SLO vanish: say so instead of passing. For
 * several services, those whose scrape target is configured but whose SLI has no series.
 */
export function noDataAlerts(settings: Settings, slos: Slo[]): AlertingRule[] {
  return slos.map((slo) => {
    const service = slo.presence ? "{{ $labels.service }}" : slo.service.name;
    // Several services: the metric's name, not a selector listing them all.
    const missing = slo.presence ? `${slo.sli.signal.split("{")[0]} for ${service}` : slo.sli.signal;
    return {
      alert: SLO_ALERTS.noData,
      expr: silenced(slo.presence ? `${slo.presence} unless ${on(slo)} ${agg(slo, slo.sli.signal)}` : `absent(${slo.sli.signal})`, slo.services, "slo", false),
      for: NO_DATA_FOR,
      labels: { [LABELS.severity]: "warning", ...CATEGORY, ...slo.labels },
      annotations: {
        summary: `${service}: no data for its ${slo.name} SLO`,
        description:
          `No series matches ${missing} for ${NO_DATA_FOR}, so the ${slo.name} SLO of ${service} ` +
          "cannot be computed and its burn-rate alerts cannot fire. Check the scrape target and the metric names in settings.",
        runbook_url: runbookUrl(settings, SLO_ALERTS.noData),
      },
    };
  });
}
