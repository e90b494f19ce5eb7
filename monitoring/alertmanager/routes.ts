// The routing tree, built from notifications.routing. Two kinds of fan-out, both with `continue`:
//   tiers  – by severity: e.g. critical pages (PagerDuty) and posts to the on-call channels;
//   owners – the first rule that owns the alert gives it to one team (Slack and e-mail):
//            its category's team, then its service's own team (the `team` label), then its
//            plane's team, then the default team.
// Error-budget policy alerts are decisions for working hours: they skip the tiers and reach the
// `slo` category's team and the owner, never PagerDuty. Each severity has its own subtree so
// every notification of an alert repeats at that severity's interval. The tree is the same in
// every notifications mode.
import { SEVERITIES, type Settings, type Severity, type TeamId } from "../../settings";
import { LABELS, RECEIVERS, WATCHDOG_ALERT, type Category } from "../conventions";
import { durationSeconds } from "../duration";
import { equals, oneOf } from "./matchers";

export interface Route {
  receiver?: string;
  matchers?: string[];
  continue?: boolean;
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  routes?: Route[];
}

/** A label whose value must be one of these. */
interface Match {
  label: string;
  values: string[];
}

interface Owner {
  team: TeamId;
  /** Labels that make the alert this team's; none for the team that owns the rest. */
  match: Match[];
}

/** The matchers of an owner rule. */
export const ownerMatchers = (match: Match[]): string[] => match.map((m) => oneOf(m.label, m.values));
const matches = (match: Match[], labels: Record<string, string>): boolean => match.every((m) => m.values.includes(labels[m.label] ?? ""));

/**
 * Every receiver listed gets the alert (in this order), and matching goes on after them. PagerDuty
 * groups by service: its incident key is the group's, so every page of one service's fault (a
 * burn rate on two SLOs, a threshold alert that fired first) updates one incident.
 */
const fanOut = (receivers: readonly string[]): Route[] =>
  receivers.map((receiver) => (receiver === RECEIVERS.pagerduty ? { receiver, group_by: PAGE_GROUP_BY, continue: true } : { receiver, continue: true }));

/** A team's receivers: its Slack channel, then its e-mail. */
function teamReceivers(settings: Settings, team: TeamId): string[] {
  const t = settings.notifications.teams[team];
  return [...(t?.slack ? [RECEIVERS.slack(team)] : []), ...(t?.email ? [RECEIVERS.email(team)] : [])];
}

/** The owner rules in their order: category, the service's own team, plane, default. */
export function owners(settings: Settings, { categories = true } = {}): Owner[] {
  const r = settings.notifications.routing;
  const byTeam = new Map<TeamId, Category[]>();
  for (const [category, team] of Object.entries(r.categories) as [Category, TeamId][]) byTeam.set(team, [...(byTeam.get(team) ?? []), category]);
  const serviceTeams = r.serviceTeams
    ? [...new Set(settings.services.flatMap((s) => (s.team && teamReceivers(settings, s.team).length > 0 ? [s.team] : [])))]
    : [];
  return [
    ...(categories ? [...byTeam].map(([team, cs]) => ({ team, match: [{ label: LABELS.category, values: cs }] })) : []),
    ...serviceTeams.map((team) => ({ team, match: [{ label: LABELS.team, values: [team] }] })),
    ...Object.entries(r.planes).map(([plane, team]) => ({ team, match: [{ label: LABELS.plane, values: [plane] }] })),
    ...(r.defaultTeam ? [{ team: r.defaultTeam, match: [] }] : []),
  ];
}

/** Owner routes; a receiver already notified on the way (its tier) is not notified twice. */
function ownerRoutes(settings: Settings, notified: readonly string[], options?: { categories: boolean }): Route[] {
  return owners(settings, options).map(({ team, match }) => ({
    ...(match.length > 0 ? { matchers: ownerMatchers(match) } : {}),
    routes: fanOut(teamReceivers(settings, team).filter((r) => !notified.includes(r))),
  }));
}

/** The receivers a severity's tier notifies before the owner: PagerDuty, then Slack, then e-mail. */
export function tierReceivers(settings: Settings, severity: Severity): string[] {
  const tier = settings.notifications.routing.severities[severity];
  if (!tier) return [];
  return [...(tier.pagerduty ? [RECEIVERS.pagerduty] : []), ...tier.slack.map(RECEIVERS.slack), ...tier.email.map(RECEIVERS.email)];
}

export const POLICY_MATCHER = `${LABELS.policyAction}=~".+"`;

/** Budget-policy alerts: the SLO team (the `slo` category's owner), then the owner of the service. */
function policyRoute(settings: Settings): Route {
  const sloTeam = settings.notifications.routing.categories.slo;
  const first = sloTeam ? teamReceivers(settings, sloTeam) : [];
  return {
    matchers: [POLICY_MATCHER],
    repeat_interval: settings.alertmanager.repeatInterval.info,
    routes: [...fanOut(first), ...ownerRoutes(settings, first, { categories: false })],
  };
}

/** One notification per alert, service and SLO. */
export const GROUP_BY = ["alertname", LABELS.plane, LABELS.service, LABELS.slo];

/** One PagerDuty incident per service in trouble, whichever of its alerts page. */
export const PAGE_GROUP_BY = [LABELS.plane, LABELS.service];

/**
 * Alertmanager repeats a group at a flush (every group_interval) only when more than
 * repeat_interval has passed since the last notification; with both equal the next flush comes a
 * hair too early and the heartbeat goes out every other interval. A repeat_interval 10% shorter
 * makes every flush repeat it: the Watchdog notifies once per `repeatInterval.watchdog`.
 */
export const watchdogRepeat = (every: string): string => `${Math.max(1, Math.floor(durationSeconds(every) * 0.9))}s`;

export function routingTree(settings: Settings): Route {
  const { groupWait, groupInterval, repeatInterval } = settings.alertmanager;
  const tiers = SEVERITIES.filter((severity) => settings.notifications.routing.severities[severity]).map((severity) => {
    const receivers = tierReceivers(settings, severity);
    return {
      matchers: [equals(LABELS.severity, severity)],
      repeat_interval: repeatInterval[severity],
      routes: [...fanOut(receivers), ...ownerRoutes(settings, receivers)],
    };
  });
  const fallback = settings.notifications.routing.defaultTeam ?? "";
  return {
    // Never used: the default team's owner route takes every alert the others leave.
    receiver: teamReceivers(settings, fallback)[0] ?? RECEIVERS.watchdog,
    group_by: GROUP_BY,
    group_wait: groupWait,
    group_interval: groupInterval,
    repeat_interval: repeatInterval.info,
    routes: [
      {
        matchers: [equals("alertname", WATCHDOG_ALERT)],
        receiver: RECEIVERS.watchdog,
        group_wait: "0s",
        group_interval: repeatInterval.watchdog,
        repeat_interval: watchdogRepeat(repeatInterval.watchdog),
      },
      policyRoute(settings),
      ...tiers,
      // Severities without a tier, and unlabelled alerts: owners only.
      ...ownerRoutes(settings, []),
    ],
  };
}

/**
 * The receivers an alert with these labels reaches, in tree order, read from the routing data
 * the way the tree above is built from it. `npm run validate` and the routing tests compare
 * it with what amtool says the rendered tree does.
 */
export function expectedReceivers(settings: Settings, labels: Record<string, string>): string[] {
  if (labels.alertname === WATCHDOG_ALERT) return [RECEIVERS.watchdog];
  const policy = (labels[LABELS.policyAction] ?? "") !== "";
  const sloTeam = settings.notifications.routing.categories.slo;
  const first = policy ? (sloTeam ? teamReceivers(settings, sloTeam) : []) : SEVERITIES.includes(labels.severity as Severity) ? tierReceivers(settings, labels.severity as Severity) : [];
  const owner = owners(settings, { categories: !policy }).find((o) => matches(o.match, labels));
  return [...first, ...(owner ? teamReceivers(settings, owner.team).filter((r) => !first.includes(r)) : [])];
}
