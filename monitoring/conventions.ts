// Every name and label the generated rules, routes and dashboards share. Generators import
// from here; nothing spells a recording-rule name or label key on its own.
import type { Plane, Settings } from "../settings";

export const LABELS = {
  severity: "severity",
  plane: "plane",
  service: "service",
  category: "category",
  team: "team",
  slo: "slo",
  /** What the error-budget policy asks for: review | freeze | stop | exhausted. */
  policyAction: "policy_action",
} as const;

export const CATEGORIES = [
  "availability",
  "errors",
  "latency",
  "slo",
  "database",
  "cache",
  "infrastructure",
  "deployment",
  "monitoring",
] as const;
export type Category = (typeof CATEGORIES)[number];

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

/** The Watchdog heartbeat: always firing, routed to a dead man's switch, never to people. */
export const WATCHDOG_ALERT = "Watchdog";
