// Secrets: a webhook for a team that cannot use one is a mistake (a typo, or a renamed team);
// the stack's own Alertmanager needs the secrets of the receivers it sends to.
import { PROJECT } from "../project";
import { Check, list } from "./context";

export const secrets: Check = ({ s, raw, problems, need, alertmanagerSends }) => {
  const teams = s.notifications.teams;
  for (const id of raw.secrets.slackWebhooks) {
    if (!teams[id]?.slack) {
      problems.push({ code: "secrets", key: `${PROJECT}:slackWebhooks.${id}`, value: id, message: `is not a team with a Slack channel; teams with one: ${list(Object.keys(teams).filter((t) => teams[t].slack))}` });
    }
  }
  // With AMP there is no Alertmanager of the stack's own: AMP sends through SNS.
  if (!alertmanagerSends) return;
  if (s.notifications.pagerduty.enabled) need("pagerdutyKey", raw.secrets.pagerdutyKey, "when notifications.pagerduty.enabled is true");
  for (const [id, team] of Object.entries(teams)) {
    if (team.slack) need(`slackWebhooks.${id}`, raw.secrets.slackWebhooks.includes(id), `for Slack channel ${team.slack.channel} (team ${id})`);
  }
  const email = s.notifications.email;
  if (email.enabled && email.username) need("smtpPassword", raw.secrets.smtpPassword, "when notifications.email.username is set");
};
