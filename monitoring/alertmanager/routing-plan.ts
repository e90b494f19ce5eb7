// The routing intent, computed once from notifications.routing and rendered three ways: the
// stack's own Alertmanager tree and the receivers an alert should reach (routes.ts: the tree, and
// the oracle `npm run validate` and the routing tests compare amtool's answers with), and AMP's
// tree of SNS receivers (amp/alertmanager.ts). The branches are tried in order and the first whose
// conditions hold takes the alert:
//   policy – budget-policy alerts: the `slo` category's team, then the owner; never PagerDuty;
//   tiers  – one per severity with a tier: its receivers (PagerDuty, Slack, e-mail), then the owner;
//   rest   – severities without a tier, and unlabelled alerts: the owner only.
// The owner is the first owner rule that applies: its category's team, then its service's own
// team (the `team` label), then its plane's team, then the default team. The Watchdog goes to its
// own receiver before any branch.
import { SEVERITIES, type Settings, type Severity, type TeamId } from "../../settings";
import { LABELS, type Category } from "../conventions";

/** A label that must be one of these values, or (no values) have any non-empty value. */
export interface Condition {
  label: string;
  values?: string[];
}

/** Who hears of an alert before its owner: PagerDuty or not, and teams' Slack channels and e-mail addresses. */
export interface Audience {
  pagerduty: boolean;
  slack: TeamId[];
  email: TeamId[];
}

export interface Owner {
  team: TeamId;
  /** What makes the alert this team's; none for the team that owns the rest. */
  match: Condition[];
}

export interface Branch {
  /** All must hold; none for the last branch, which takes the rest. */
  when: Condition[];
  /** How often a notification repeats; the tree's default without it. */
  repeatInterval?: string;
  first: Audience;
  owners: Owner[];
}

export interface RoutingPlan {
  branches: Branch[];
  /** The receivers each team has. */
  teams: Record<TeamId, { slack: boolean; email: boolean }>;
  /** The team that owns what no other rule does (routing.defaultTeam). */
  defaultTeam?: TeamId;
}

/** Budget-policy alerts carry this label (the action the policy asks for). */
export const POLICY_CONDITION: Condition = { label: LABELS.policyAction };

/** The label values satisfy every condition. */
export const holds = (when: Condition[], labels: Record<string, string>): boolean =>
  when.every((c) => (c.values ? c.values.includes(labels[c.label] ?? "") : (labels[c.label] ?? "") !== ""));

const hasReceivers = (settings: Settings, team: TeamId): boolean => Boolean(settings.notifications.teams[team]?.slack || settings.notifications.teams[team]?.email);

/** The owner rules in their order: category, the service's own team, plane, default. */
export function owners(settings: Settings, { categories = true } = {}): Owner[] {
  const r = settings.notifications.routing;
  const byTeam = new Map<TeamId, Category[]>();
  for (const [category, team] of Object.entries(r.categories) as [Category, TeamId][]) byTeam.set(team, [...(byTeam.get(team) ?? []), category]);
  const serviceTeams = r.serviceTeams ? [...new Set(settings.services.flatMap((s) => (s.team && hasReceivers(settings, s.team) ? [s.team] : [])))] : [];
  return [
    ...(categories ? [...byTeam].map(([team, cs]) => ({ team, match: [{ label: LABELS.category, values: cs }] })) : []),
    ...serviceTeams.map((team) => ({ team, match: [{ label: LABELS.team, values: [team] }] })),
    ...Object.entries(r.planes).map(([plane, team]) => ({ team, match: [{ label: LABELS.plane, values: [plane] }] })),
    ...(r.defaultTeam ? [{ team: r.defaultTeam, match: [] }] : []),
  ];
}

export function routingPlan(settings: Settings): RoutingPlan {
  const { teams: configured, routing } = settings.notifications;
  const { repeatInterval } = settings.alertmanager;
  const teams = Object.fromEntries(Object.entries(configured).map(([id, t]) => [id, { slack: Boolean(t.slack), email: Boolean(t.email) }]));
  const sloTeam = routing.categories.slo;
  const policy: Branch = {
    when: [POLICY_CONDITION],
    repeatInterval: repeatInterval.info,
    first: { pagerduty: false, slack: sloTeam && teams[sloTeam]?.slack ? [sloTeam] : [], email: sloTeam && teams[sloTeam]?.email ? [sloTeam] : [] },
    owners: owners(settings, { categories: false }),
  };
  const tiers = SEVERITIES.flatMap((severity: Severity): Branch[] => {
    const tier = routing.severities[severity];
    if (!tier) return [];
    return [{ when: [{ label: LABELS.severity, values: [severity] }], repeatInterval: repeatInterval[severity], first: { pagerduty: tier.pagerduty, slack: tier.slack, email: tier.email }, owners: owners(settings) }];
  });
  const rest: Branch = { when: [], first: { pagerduty: false, slack: [], email: [] }, owners: owners(settings) };
  return { branches: [policy, ...tiers, rest], teams, ...(routing.defaultTeam ? { defaultTeam: routing.defaultTeam } : {}) };
}
