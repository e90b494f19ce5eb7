// Teams and routing: one Slack channel per team, every team routing names exists and can be
// told, e-mail with a sender and a server.
import { Check } from "./context";

export const routing: Check = ({ s, problem, inPlanes, routedTo }) => {
  const n = s.notifications;
  const channelOwner = new Map<string, string>();
  for (const [id, team] of Object.entries(n.teams)) {
    const channel = team.slack?.channel;
    if (!channel) continue;
    const other = channelOwner.get(channel);
    if (other) problem("routing", ["notifications", "teams", id, "slack", "channel"], channel, `is already the channel of team ${other}; each channel belongs to one team`);
    else channelOwner.set(channel, id);
  }
  const r = n.routing;
  for (const [severity, tier] of Object.entries(r.severities)) {
    tier.slack.forEach((t, i) => routedTo("routing", ["notifications", "routing", "severities", severity, "slack", i], t, "slack"));
    tier.email.forEach((t, i) => routedTo("routing", ["notifications", "routing", "severities", severity, "email", i], t, "email"));
  }
  for (const [category, team] of Object.entries(r.categories)) routedTo("routing", ["notifications", "routing", "categories", category], team as string, "receivers");
  for (const [p, team] of Object.entries(r.planes)) {
    inPlanes("routing", ["notifications", "routing", "planes", p], p);
    routedTo("routing", ["notifications", "routing", "planes", p], team, "receivers");
  }
  if (r.defaultTeam === undefined) problem("routing", ["notifications", "routing", "defaultTeam"], undefined, "is required: the team that owns alerts no other rule gives an owner");
  else routedTo("routing", ["notifications", "routing", "defaultTeam"], r.defaultTeam, "receivers");
  if (n.email.enabled) {
    if (!n.email.from) problem("routing", ["notifications", "email", "from"], undefined, "is required when notifications.email.enabled is true (the sender address)");
    if (!n.email.smarthost) problem("routing", ["notifications", "email", "smarthost"], undefined, "is required when notifications.email.enabled is true (the SMTP server host:port)");
  }
};
