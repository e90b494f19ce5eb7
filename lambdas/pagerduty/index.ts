// PagerDuty forwarder: CloudWatch alarm notifications from SNS → Events API v2.
import { ENV, PAGERDUTY_EVENTS_URL, PAGERDUTY_SEVERITIES, PagerDutySeverity } from "../contract";
import { optionalUrl, requiredString, stringMap } from "../shared/config";
import { AlarmState } from "../shared/cloudwatch";
import { FailureCause } from "../shared/delivery";
import { createForwarder, ForwarderOptions, ForwarderSpec, Handler } from "../shared/forwarder";
import { pagerDutyAction } from "./event";

/** For a topic missing from TOPIC_SEVERITIES: still urgent enough to page, below "critical". */
export const DEFAULT_SEVERITY: PagerDutySeverity = "error";

interface PagerDutyConfig {
  keyParameter: string;
  severities: Record<string, PagerDutySeverity>;
  eventsUrl: string;
}

/** PagerDuty refuses a revoked or mistyped integration key with 401/403, or 400 "Invalid routing key". */
export const keyRejected = (f: FailureCause): boolean =>
  f.cause === "rejected" && (f.status === 401 || f.status === 403 || (f.status === 400 && /invalid routing key/i.test(f.body)));

const spec: ForwarderSpec<PagerDutyConfig> = {
  name: "pagerduty",
  readConfig: (env) => ({
    keyParameter: requiredString(env, ENV.pagerdutyKeyParameter),
    severities: stringMap(env, ENV.topicSeverities, { required: false, allowed: PAGERDUTY_SEVERITIES }),
    eventsUrl: optionalUrl(env, ENV.pagerdutyEventsUrl, PAGERDUTY_EVENTS_URL),
  }),
  async forward(n, { config, log, post, withSecret, alarmState }) {
    const known = config.severities[n.topicArn];
    const action = pagerDutyAction(n, known ?? DEFAULT_SEVERITY);
    if ("skip" in action) return { skipped: action.skip };
    // An ALARM retried by Lambda after the alarm recovered (its OK already resolved the incident)
    // would open an incident nobody resolves: page only an ALARM that is still the alarm's state.
    if (n.kind === "alarm" && action.event.event_action === "trigger") {
      const stale = staleBy(n.alarm.changedAt, await alarmState(n.alarm.name));
      if (stale) return { skipped: stale };
    }
    if (!known && action.event.event_action === "trigger") {
      log.warn(`topic is not in ${ENV.topicSeverities}; using the default severity`, { severity: DEFAULT_SEVERITY });
    }
    const delivered = await withSecret(config.keyParameter, keyRejected, (routingKey) => post(config.eventsUrl, { routing_key: routingKey, ...action.event }));
    return { delivered };
  },
};

/** Why an ALARM of `changedAt` is stale, given the alarm's current state; undefined when it is not. */
export function staleBy(changedAt: string | undefined, now: AlarmState | undefined): string | undefined {
  if (!changedAt || !now || now.state === "ALARM") return undefined;
  const since = Date.parse(now.since);
  return Number.isFinite(since) && since > Date.parse(changedAt) ? `stale ALARM of ${changedAt}: the alarm has been ${now.state} since ${now.since}` : undefined;
}

export const createPagerDutyHandler = (options?: ForwarderOptions): Handler => createForwarder(spec, options);

export const handler = createPagerDutyHandler();
