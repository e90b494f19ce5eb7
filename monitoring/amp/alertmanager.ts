// AMP's Alertmanager definition: the stack's routing plan (alertmanager/routing-plan.ts) and
// inhibitions, with SNS as the only receiver type, mapped onto the stack's topics. A topic is a
// bundle (a PagerDuty severity or none, and one team's Slack channel), so the mapping obeys:
//   - an alert that pages goes to exactly one paging topic (never two PagerDuty incidents): the
//     one posting to its owner's channel, else to one of its tier's channels, else the first;
//   - every other team it should reach gets a topic only if one posts there without paging;
//   - an alert that must not page (no tier paging, budget policy) never reaches a paging topic;
//   - an alert that would reach no topic goes to the default team's, then the first Slack-only
//     topic: nothing is dropped. E-mail has no SNS path (README "Managed Prometheus (AMP)").
import { toYaml } from "../yaml";
import type { Settings, TeamId, TopicId } from "../../settings";
import { topicName } from "../cloudwatch/forwarders";
import { RECEIVERS, WATCHDOG_ALERT } from "../conventions";
import { burnTiers } from "../slo/windows";
import { inhibitRules } from "../alertmanager/inhibitions";
import { equals } from "../alertmanager/matchers";
import { PAGE_GROUP_BY, matchersOf, rootGrouping, type Route } from "../alertmanager/routes";
import { type Branch, routingPlan } from "../alertmanager/routing-plan";
import { use } from "../alertmanager/templates";
import { SNS_TEMPLATE, SNS_TEMPLATE_FILE, SNS_TEMPLATE_TEXT } from "./message";

/** The topics an alert reaches: one paging topic at most, then Slack-only topics for the other teams. */
export function topicsFor(settings: Settings, pages: boolean, teams: TeamId[]): TopicId[] {
  const topics = Object.entries(settings.aws.topics);
  const slackOnly = topics.filter(([, t]) => !t.pagerduty);
  const chosen: TopicId[] = [];
  if (pages) {
    const paging = topics.filter(([, t]) => t.pagerduty);
    const owner = teams.at(-1);
    const pd = paging.find(([, t]) => t.slack === owner) ?? paging.find(([, t]) => teams.includes(t.slack)) ?? paging[0];
    if (pd) chosen.push(pd[0]);
  }
  const covered = new Set(chosen.map((id) => settings.aws.topics[id].slack));
  for (const team of teams) {
    const topic = covered.has(team) ? undefined : slackOnly.find(([, t]) => t.slack === team);
    if (topic) chosen.push(topic[0]);
    covered.add(team);
  }
  if (chosen.length > 0) return chosen;
  const fallback = slackOnly.find(([, t]) => t.slack === settings.notifications.routing.defaultTeam) ?? slackOnly[0];
  return fallback ? [fallback[0]] : [];
}

/** `sns-<topic>-<topic>...`: the receiver publishing to these topics. */
export const snsReceiverName = (topics: TopicId[]): string => (topics.length > 0 ? `sns-${topics.join("-")}` : RECEIVERS.watchdog);

export interface SnsReceiver {
  name: string;
  sns_configs?: { topic_arn: string; sigv4: { region: string }; subject: string; message: string; send_resolved: boolean }[];
}

export interface AmpAlertmanager {
  /** alertmanager.yml as AMP takes it. */
  config: string;
  /** Template file name (as `templates` lists it, relative to the configuration) → content. */
  templates: Record<string, string>;
}

/** The configuration, for the stack's topic ARNs and the region AMP signs its SNS calls for. */
export function ampAlertmanager(settings: Settings, topicArns: Record<TopicId, string>, region: string): AmpAlertmanager {
  // The Watchdog's receiver has no integration: AMP has only SNS, and a dead man's switch needs its own path.
  const receivers = new Map<string, SnsReceiver>([[RECEIVERS.watchdog, { name: RECEIVERS.watchdog }]]);
  const receiverFor = (pages: boolean, teams: TeamId[]): string => {
    const topics = topicsFor(settings, pages, [...new Set(teams)]);
    const name = snsReceiverName(topics);
    if (!receivers.has(name)) {
      receivers.set(name, {
        name,
        sns_configs: topics.map((t) => ({
          topic_arn: topicArns[t],
          sigv4: { region },
          subject: use(SNS_TEMPLATE.subject),
          message: use(SNS_TEMPLATE.message),
          send_resolved: true,
        })),
      });
    }
    return name;
  };
  // The first owner that applies takes the alert (as in the stack's own tree); the branch itself
  // keeps its audience's topics for an alert no owner takes.
  const ownedBy = (b: Branch): Route[] =>
    b.owners.map(({ team, match }) => ({
      ...(match.length > 0 ? { matchers: matchersOf(match) } : {}),
      receiver: receiverFor(b.first.pagerduty, [...b.first.slack, team]),
    }));
  // A paging branch groups by service, as the stack's own PagerDuty route does: one incident per service in trouble.
  const branchRoutes = (b: Branch): Route[] =>
    b.when.length === 0
      ? ownedBy(b)
      : [
          {
            matchers: matchersOf(b.when),
            ...(b.first.pagerduty ? { group_by: PAGE_GROUP_BY } : {}),
            receiver: receiverFor(b.first.pagerduty, b.first.slack),
            ...(b.repeatInterval ? { repeat_interval: b.repeatInterval } : {}),
            routes: ownedBy(b),
          },
        ];
  const plan = routingPlan(settings);
  const route: Route = {
    receiver: receiverFor(false, plan.defaultTeam ? [plan.defaultTeam] : []),
    ...rootGrouping(settings),
    routes: [{ matchers: [equals("alertname", WATCHDOG_ALERT)], receiver: RECEIVERS.watchdog }, ...plan.branches.flatMap(branchRoutes)],
  };
  const config = {
    templates: [SNS_TEMPLATE_FILE],
    route,
    inhibit_rules: inhibitRules(burnTiers(settings)),
    receivers: [...receivers.values()],
  };
  return {
    config: toYaml(config),
    templates: { [SNS_TEMPLATE_FILE]: SNS_TEMPLATE_TEXT },
  };
}

/**
 * The topics' ARNs before they exist, for checking the configuration (npm run validate): the
 * stack's topic names in its region, under a placeholder account.
 */
export const offlineTopicArns = (settings: Settings): Record<TopicId, string> =>
  Object.fromEntries(Object.keys(settings.aws.topics).map((t) => [t, `arn:aws:sns:${settings.awsRegion}:000000000000:${topicName(settings, t)}`]));

/** The definition document of aws.amp.AlertManagerDefinition. */
export const ampAlertmanagerDefinition = (am: AmpAlertmanager): string => toYaml({ template_files: am.templates, alertmanager_config: am.config });
