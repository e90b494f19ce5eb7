// Every name and label the generated rules, routes and dashboards share. Generators import
// from here; nothing spells a recording-rule name or label key on its own.
import { CATEGORIES, type Category, type Plane, type Settings, type TeamId } from "../settings";

export const LABELS = {
  severity: "severity",
  plane: "plane",
  service: "service",
  category: "category",
  team: "team",
  slo: "slo",
  /** What the error-budget policy asks for: review | freeze | stop | exhausted. */
  policyAction: "policy_action",
  /** "true" on budget-policy alerts that ask for a deploy freeze: a deploy gate queries it. */
  deployFreeze: "deploy_freeze",
} as const;

/** Alert categories (the `category` label); defined with the settings, since routing names them. */
export { CATEGORIES, type Category };

/** Rule files under prometheus/rules/, one per generator. */
export const RULE_FILES = {
  slos: "slos",
  critical: "critical",
  warnings: "warnings",
} as const;

/** Multi-window, multi-burn-rate alerting (SRE workbook, 30-day period). */
export const BURN_WINDOWS = [
  { alert: "ErrorBudgetBurningFast", severity: "critical", long: "1h", short: "5m", burnRate: 14.4 },
  { alert: "ErrorBudgetBurningFast", severity: "critical", long: "6h", short: "30m", burnRate: 6 },
  { alert: "ErrorBudgetBurningSlow", severity: "warning", long: "1d", short: "2h", burnRate: 3 },
  { alert: "ErrorBudgetBurningSlow", severity: "warning", long: "3d", short: "6h", burnRate: 1 },
] as const;

/** Every window an error ratio is recorded over (plus the SLO period). */
export const SLO_WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] as const;
export type SloWindow = (typeof SLO_WINDOWS)[number] | "period";

/** `control` → `control_plane`, as in the reference's `slo:control_plane:...` names. */
export const planeToken = (plane: Plane): string => `${plane}_plane`;

/** Where an alert's runbook lives: <runbookBaseUrl>/<AlertName>.md (a page in docs/runbooks/). */
export const runbookUrl = (settings: Settings, alert: string): string =>
  `${settings.runbookBaseUrl.replace(/\/+$/, "")}/${alert}.md`;

/**
 * The `plane` label of alerts about shared infrastructure (hosts, containers, databases,
 * caches, the monitoring stack itself) rather than one control- or app-plane service.
 */
export const INFRA_PLANE = "infra";

/** The Watchdog heartbeat: always firing, routed to a dead man's switch, never to people. */
export const WATCHDOG_ALERT = "Watchdog";

const kebab = (id: string): string => id.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * Alertmanager receiver names: one per notification channel of each team, so a routing test
 * (and the local pipeline, which posts to <localWebhookUrl><receiver>) says exactly which
 * channel was reached.
 */
export const RECEIVERS = {
  watchdog: "watchdog",
  pagerduty: "pagerduty",
  /** Team `controlPlane`'s Slack channel → `slack-control-plane`. */
  slack: (team: TeamId): string => `slack-${kebab(team)}`,
  /** Team `appPlane`'s e-mail → `email-app-plane`. */
  email: (team: TeamId): string => `email-${kebab(team)}`,
} as const;

/**
 * Recorded SLO series. Per SLO they carry the labels service, plane, slo (the SLO's name:
 * `availability` or a latency SLO name such as `p99`) and team where known; per plane they
 * carry plane and slo. Windows are SLO_WINDOWS plus `period` (the SLO period, 30d by default).
 */
export const SLO_SERIES = {
  /** Fraction of bad events (errors, or requests slower than the threshold) over a window. */
  errorRatio: (window: SloWindow) => `slo:sli_error:ratio_rate${window}`,
  /** Rate (per second) of bad events over a window; summed across services for plane roll-ups. */
  errorRate: (window: SloWindow) => `slo:sli_errors:rate${window}`,
  /** Rate (per second) of all events over a window, the denominator of the error ratio. */
  requestRate: (window: SloWindow) => `slo:sli_requests:rate${window}`,
  /** The objective as a ratio, e.g. 0.999. */
  objective: "slo:objective:ratio",
  /** The error budget as a ratio of events: 1 - objective, e.g. 0.001. */
  errorBudget: "slo:error_budget:ratio",
  /** How fast the error budget burns over a window: error ratio / (1 - objective). */
  burnRate: (window: SloWindow) => `slo:error_budget:burn_rate_${window}`,
  /** Share of the period's error budget still unspent (1 = untouched, 0 = exhausted, < 0 overspent). */
  budgetRemaining: "slo:error_budget:remaining",
  /** Plane roll-ups, named as in the reference (slo:control_plane:availability:ratio_5m, ...). */
  plane: {
    availability: (plane: Plane, window: SloWindow) => `slo:${planeToken(plane)}:availability:ratio_${window}`,
    budgetRemaining: (plane: Plane) => `slo:${planeToken(plane)}:error_budget:remaining`,
    burnRate: (plane: Plane, window: SloWindow) => `slo:${planeToken(plane)}:error_budget:burn_rate_${window}`,
  },
} as const;

/** The SLO label value of the availability SLO (latency SLOs use their configured names). */
export const AVAILABILITY_SLO = "availability";

/** Scrape jobs of the monitoring stack itself (prometheus.yml) that dashboards and alerts select. */
export const SELF_JOBS = {
  prometheus: "prometheus",
  alertmanager: "alertmanager",
  nodeExporter: "node-exporter",
  cadvisor: "cadvisor",
} as const;

/** SLO alerts besides the burn-rate pair of BURN_WINDOWS; each has a runbook in docs/runbooks/. */
export const SLO_ALERTS = {
  /** The metric an SLI reads is missing: the SLO cannot be computed. */
  noData: "SLOMetricMissing",
  /** Error budget policy, one alert per band of remaining budget (value of LABELS.policyAction). */
  policy: {
    review: "ErrorBudgetReview",
    freeze: "ErrorBudgetFreezeDeploys",
    stop: "ErrorBudgetStopDeploys",
    exhausted: "ErrorBudgetExhausted",
  },
} as const;
