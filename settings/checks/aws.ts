// The AWS side: known planes for its resources, AMP only with the AWS side (and its limits),
// and with aws.enabled a region, the forwarders' secrets, topics for teams with Slack, and
// forwarders that report each other's failures.
import { Check, list } from "./context";

export const aws: Check = ({ s, raw, problems, problem, inPlanes, routedTo, need, hasReceivers, alertmanagerSends }) => {
  const a = s.aws;
  const teams = s.notifications.teams;
  a.rds.forEach((d, i) => inPlanes("aws", ["aws", "rds", i, "plane"], d.plane));
  a.elasticache.forEach((c, i) => inPlanes("aws", ["aws", "elasticache", i, "plane"], c.plane));
  a.ecs.services.forEach((e, i) => inPlanes("aws", ["aws", "ecs", "services", i, "plane"], e.plane));
  if (a.amp.enabled && !a.enabled) problem("aws", ["aws", "amp", "enabled"], true, "must not be true without aws.enabled: AMP's Alertmanager delivers through the stack's SNS topics and forwarders");
  if (a.amp.workspaceId && !a.amp.enabled) problem("aws", ["aws", "amp", "workspaceId"], a.amp.workspaceId, "must not be set without aws.amp.enabled");
  if (a.amp.enabled && s.rules.engine !== "prometheus") problem("rules", ["rules", "engine"], s.rules.engine, "must be prometheus with aws.amp.enabled: AMP evaluates the rules, with Prometheus's rule format");
  // AMP's Alertmanager has SNS receivers only: a heartbeat to a dead man's switch would silently stop.
  if (a.amp.enabled && s.notifications.watchdog.url) {
    problem("aws", ["notifications", "watchdog", "url"], s.notifications.watchdog.url, "must not be set with aws.amp.enabled: AMP's Alertmanager sends only to SNS topics, so the Watchdog heartbeat cannot reach it (see README \"Managed Prometheus (AMP)\")");
  }
  if (!a.enabled) return;
  if (!raw.awsRegion) problems.push({ code: "aws", key: "aws:region", value: undefined, message: "is required when aws.enabled is true (e.g. us-east-1)" });
  need("pagerdutyKey", raw.secrets.pagerdutyKey, "when aws.enabled is true (the PagerDuty forwarder Lambda)");
  const topics = Object.entries(a.topics);
  for (const [id, topic] of topics) {
    routedTo("aws", ["aws", "topics", id, "slack"], topic.slack, "slack");
    if (teams[topic.slack]?.slack && !(alertmanagerSends && hasReceivers(topic.slack))) {
      need(`slackWebhooks.${topic.slack}`, raw.secrets.slackWebhooks.includes(topic.slack), `when aws.enabled is true (the Slack forwarder posts topic ${id} to ${teams[topic.slack].slack!.channel})`);
    }
  }
  for (const [severity, topic] of Object.entries(a.alarmTopics)) {
    if (!(topic in a.topics)) problem("aws", ["aws", "alarmTopics", severity], topic, `is not a topic of aws.topics (topics: ${list(topics.map(([id]) => id))})`);
  }
  // A forwarder's own failures are reported through the other one.
  const { pagerduty: pdHealth, slack: slackHealth } = a.forwarderAlarmTopics;
  if (!a.topics[pdHealth] || a.topics[pdHealth].pagerduty) {
    problem("aws", ["aws", "forwarderAlarmTopics", "pagerduty"], pdHealth, `must be a topic of aws.topics without a pagerduty severity (read by the Slack forwarder only): ${list(topics.filter(([, t]) => !t.pagerduty).map(([id]) => id))}`);
  }
  if (!a.topics[slackHealth]?.pagerduty) {
    problem("aws", ["aws", "forwarderAlarmTopics", "slack"], slackHealth, `must be a topic of aws.topics with a pagerduty severity (read by the PagerDuty forwarder): ${list(topics.filter(([, t]) => t.pagerduty).map(([id]) => id))}`);
  }
  if (a.ecs.services.length > 0 && !a.ecs.clusterName) problem("aws", ["aws", "ecs", "clusterName"], undefined, "is required when aws.ecs.services is not empty");
};
