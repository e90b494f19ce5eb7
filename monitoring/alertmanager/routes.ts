// The stack's Alertmanager routing tree, rendered from the routing plan (routing-plan.ts). Two
// kinds of fan-out, both with `continue`: a branch's audience (e.g. critical pages PagerDuty and
// posts to the on-call channels), then the first owner rule that applies gives the alert to one
// team (Slack and e-mail). Each branch is its own subtree so every notification of an alert
// repeats at its severity's interval. The tree is the same in every notifications mode.
import type { Settings, TeamId } from "../../settings";
import { LABELS, RECEIVERS, WATCHDOG_ALERT } from "../conventions";
import { durationSeconds } from "../duration";
import { equals, oneOf } from "./matchers";
import { type Audience, type Branch, type Condition, type Owner, type RoutingPlan, holds, routingPlan } from "./routing-plan";

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

/** Alertmanager matchers for conditions: one of the values, or any non-empty value. */
export const matchersOf = (when: Condition[]): string[] => when.map((c) => (c.values ? oneOf(c.label, c.values) : `${c.label}=~".+"`));

/**
 * Every receiver listed gets the alert (in this order), and matching goes on after them. PagerDuty
 * groups by service: its incident key is the group's, so every page of one service's fault (a
 * burn rate on two SLOs, a threshold alert that fired first) updates one incident.
 */
const fanOut = (receivers: readonly string[]): Route[] =>
  receivers.map((receiver) => (receiver === RECEIVERS.pagerduty ? { receiver, group_by: PAGE_GROUP_BY, continue: true } : { receiver, continue: true }));

/** A team's receivers: its Slack channel, then its e-mail. */
const teamReceivers = (plan: RoutingPlan, team: TeamId): string[] => [
  ...(plan.teams[team]?.slack ? [RECEIVERS.slack(team)] : []),
  ...(plan.teams[team]?.email ? [RECEIVERS.email(team)] : []),
];

/** The receivers an audience names: PagerDuty, then Slack, then e-mail. */
const audienceReceivers = (a: Audience): string[] => [...(a.pagerduty ? [RECEIVERS.pagerduty] : []), ...a.slack.map(RECEIVERS.slack), ...a.email.map(RECEIVERS.email)];

/** Owner routes; a receiver already notified on the way (its tier) is not notified twice. */
const ownerRoutes = (plan: RoutingPlan, owners: Owner[], notified: readonly string[]): Route[] =>
  owners.map(({ team, match }) => ({
    ...(match.length > 0 ? { matchers: matchersOf(match) } : {}),
    routes: fanOut(teamReceivers(plan, team).filter((r) => !notified.includes(r))),
  }));

/** A branch as routes: its audience fans out, then its owner rules; the branch taking the rest is its owner routes alone. */
function branchRoutes(plan: RoutingPlan, branch: Branch): Route[] {
  const first = audienceReceivers(branch.first);
  const routes = [...fanOut(first), ...ownerRoutes(plan, branch.owners, first)];
  if (branch.when.length === 0) return routes;
  return [{ matchers: matchersOf(branch.when), ...(branch.repeatInterval ? { repeat_interval: branch.repeatInterval } : {}), routes }];
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

/** The root route's grouping and timing, on the stack's tree and AMP's alike. */
export function rootGrouping(settings: Settings): Pick<Route, "group_by" | "group_wait" | "group_interval" | "repeat_interval"> {
  const { groupWait, groupInterval, repeatInterval } = settings.alertmanager;
  return { group_by: GROUP_BY, group_wait: groupWait, group_interval: groupInterval, repeat_interval: repeatInterval.info };
}

export function routingTree(settings: Settings): Route {
  const { repeatInterval } = settings.alertmanager;
  const plan = routingPlan(settings);
  return {
    // Never used: the default team's owner route takes every alert the others leave.
    receiver: teamReceivers(plan, plan.defaultTeam ?? "")[0] ?? RECEIVERS.watchdog,
    ...rootGrouping(settings),
    routes: [
      {
        matchers: [equals("alertname", WATCHDOG_ALERT)],
        receiver: RECEIVERS.watchdog,
        group_wait: "0s",
        group_interval: repeatInterval.watchdog,
        repeat_interval: watchdogRepeat(repeatInterval.watchdog),
      },
      ...plan.branches.flatMap((b) => branchRoutes(plan, b)),
    ],
  };
}

/**
 * The receivers an alert with these labels reaches, in tree order, read from the routing plan
 * the tree above is rendered from. `npm run validate` and the routing tests compare it with what
 * amtool says the rendered tree does.
 */
export function expectedReceivers(settings: Settings, labels: Record<string, string>): string[] {
  if (labels.alertname === WATCHDOG_ALERT) return [RECEIVERS.watchdog];
  const plan = routingPlan(settings);
  const branch = plan.branches.find((b) => holds(b.when, labels))!;
  const first = audienceReceivers(branch.first);
  const owner = branch.owners.find((o) => holds(o.match, labels));
  return [...first, ...(owner ? teamReceivers(plan, owner.team).filter((r) => !first.includes(r)) : [])];
}
