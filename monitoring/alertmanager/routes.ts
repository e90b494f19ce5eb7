// The routing tree. Two kinds of fan-out, both with `continue`:
//   tiers  – by severity: critical pages (PagerDuty, #critical-alerts, on-call e-mail),
//            warnings post to #platform-alerts;
//   owners – the first team that owns the alert gets it in its Slack channel and by e-mail:
//            SLO, database, infrastructure/cache (by category), then control/app plane,
//            then the platform team for whatever no one else owns.
// Each severity has its own subtree so every notification of an alert repeats at that
// severity's interval. The tree is the same in every notifications mode.
import type { EmailTeam, Plane, Settings, Severity, SlackChannelId } from "../../settings";
import { LABELS, RECEIVERS, WATCHDOG_ALERT, type Category } from "../conventions";
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

type Team = SlackChannelId & EmailTeam;

interface Owner {
  team: Team;
  /** Labels that make the alert this team's; none for the team that owns the rest. */
  matchers: string[];
}

const byCategory = (...categories: Category[]) => [oneOf(LABELS.category, categories)];
const byPlane = (plane: Plane) => [equals(LABELS.plane, plane)];

/** First match wins: a category owner beats the plane's team. */
const OWNERS: readonly Owner[] = [
  { team: "slo", matchers: byCategory("slo") },
  { team: "database", matchers: byCategory("database") },
  { team: "infrastructure", matchers: byCategory("infrastructure", "cache") },
  { team: "controlPlane", matchers: byPlane("control") },
  { team: "appPlane", matchers: byPlane("app") },
  { team: "platform", matchers: [] },
];

/** Severities with receivers of their own, before the owners. */
const TIERS: Readonly<Partial<Record<Severity, readonly string[]>>> = {
  critical: [RECEIVERS.pagerduty, RECEIVERS.slack("critical"), RECEIVERS.email("oncall")],
  warning: [RECEIVERS.slack("platform")],
};

const ownerReceivers = (team: Team): string[] => [RECEIVERS.slack(team), RECEIVERS.email(team)];

/** Every receiver listed gets the alert (in this order), and matching goes on after them. */
const fanOut = (receivers: readonly string[]): Route[] => receivers.map((receiver) => ({ receiver, continue: true }));

/** Owner routes; a receiver its tier already notified is not notified twice. */
function ownerRoutes(notified: readonly string[]): Route[] {
  return OWNERS.map(({ team, matchers }) => ({
    ...(matchers.length > 0 ? { matchers } : {}),
    routes: fanOut(ownerReceivers(team).filter((r) => !notified.includes(r))),
  }));
}

/** One notification (and one PagerDuty incident) per alert, service and SLO. */
const GROUP_BY = ["alertname", LABELS.plane, LABELS.service, LABELS.slo];

export function routingTree(settings: Settings): Route {
  const { groupWait, groupInterval, repeatInterval } = settings.alertmanager;
  const tiers = (Object.entries(TIERS) as [Severity, string[]][]).map(([severity, receivers]) => ({
    matchers: [equals(LABELS.severity, severity)],
    repeat_interval: repeatInterval[severity],
    routes: [...fanOut(receivers), ...ownerRoutes(receivers)],
  }));
  return {
    // Never used: the last owner route takes every alert the others leave.
    receiver: RECEIVERS.slack("platform"),
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
        repeat_interval: repeatInterval.watchdog,
      },
      ...tiers,
      // Info and unlabelled alerts: owners only.
      ...ownerRoutes([]),
    ],
  };
}
