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
  /** A maintenance window's name, on SLO_SERIES.maintenance. */
  maintenance: "maintenance",
  /** A burn-rate alert's tier: the long window of its condition (1h, 6h, 1d, 3d by default). */
  burnTier: "burn_tier",
} as const;

/** Alert categories (the `category` label); defined with the settings, since routing names them. */
export { CATEGORIES, type Category };

/** Rule files under prometheus/rules/, one per generator. */
export const RULE_FILES = {
  slos: "slos",
  critical: "critical",
  warnings: "warnings",
} as const;

/** Alert names of the burn-rate conditions of settings slo.alerting.page and .ticket. */
export const BURN_ALERTS = { page: "ErrorBudgetBurningFast", ticket: "ErrorBudgetBurningSlow" } as const;

/**
 * The window names recorded series carry: a Prometheus duration (`5m`, `6h`, `3d`) or `period`
 * for the SLO's own period (30d by default).
 */
export type SloWindow = string;

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
 * `availability`, a latency or events SLO's name) and team where known; per plane they carry
 * plane and slo. See monitoring/slo/windows.ts for how each window is computed.
 */
export const SLO_SERIES = {
  /** Rate (per second) of bad events over 5m, read from raw series. */
  errorRate5m: "slo:sli_errors:rate5m",
  /** Rate (per second) of all events over 5m, the denominator of the 5m error ratio. */
  requestRate5m: "slo:sli_requests:rate5m",
  /** Fraction of bad events over a window (30m, 1h, the alert windows, `period`). */
  errorRatio: (window: SloWindow) => `slo:sli_error:ratio_rate${window}`,
  /**
   * All events over one day and over the period (`1d`, `period`), read from raw history by the
   * history group; times the window's error ratio, the bad events. The SLO review sums the days.
   */
  requests: (window: "1d" | "period") => `slo:sli_requests:increase${window}`,
  /** The objective as a ratio, e.g. 0.999. The error budget is 1 - objective. */
  objective: "slo:objective:ratio",
  /** Share of the period's error budget still unspent (1 = untouched, 0 = exhausted, < 0 overspent). */
  budgetRemaining: "slo:error_budget:remaining",
  /** 1 while a maintenance window is on (label `maintenance`, its name): the dashboards and the review mark it. */
  maintenance: "slo:maintenance:active",
  /** Plane roll-ups, named as in the reference (slo:control_plane:availability:ratio_5m, ...). */
  plane: {
    availability: (plane: Plane, window: "5m" | "period") => `slo:${planeToken(plane)}:availability:ratio_${window}`,
    budgetRemaining: (plane: Plane) => `slo:${planeToken(plane)}:error_budget:remaining`,
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

/** Per-service alerts that routing, inhibitions and validation name as well as their generators. */
export const SERVICE_ALERTS = {
  down: "ServiceDown",
  criticalErrors: "CriticalErrorRate",
  highErrors: "HighErrorRate",
  highLatency: "HighLatency",
} as const;

/** SLO alerts besides the burn-rate alerts of BURN_ALERTS; each has a runbook in docs/runbooks/. */
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
