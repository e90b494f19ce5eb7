// One set of local stand-ins (PagerDuty, Slack, SSM) and the forwarder environment that points
// at them, shared by the handler tests.
import { ENV } from "../../lambdas/contract";
import { LogLevel } from "../../lambdas/shared/log";
import { TOPICS } from "./events";
import { FakeServer, Reply, startCloudWatch, startServer, startSsm, useAwsEndpoints } from "./servers";

export const PARAMS = {
  pagerdutyKey: "/alerting/pagerduty/routing-key",
  slackCritical: "/alerting/slack/critical",
  slackWarning: "/alerting/slack/warning",
};

export const ROUTING_KEY = "pd-routing-key-0123456789";
export const WEBHOOK_PATHS = { critical: "/services/T000/B000/critical-token", warning: "/services/T000/B000/warning-token" };

export const accepted202: Reply = { status: 202, headers: { "content-type": "application/json" }, body: '{"status":"success","message":"Event processed"}' };
export const slackOk: Reply = { status: 200, body: "ok" };

export interface LogLine {
  level: LogLevel;
  line: string;
  json: Record<string, unknown>;
}

export interface Harness {
  pd: FakeServer;
  slack: FakeServer;
  ssm: FakeServer;
  cloudwatch: FakeServer;
  /** The alarms' current states the CloudWatch stand-in answers with, by name (none: no such alarm). */
  alarmStates: Record<string, { state: string; since: string }>;
  /** The values the SSM stand-in holds, by parameter name; tests rotate them. */
  parameters: Record<string, string>;
  pdEnv: Record<string, string>;
  slackEnv: Record<string, string>;
  logs: LogLine[];
  logSink: (level: LogLevel, line: string) => void;
  /** Clears recorded requests and logs and restores the normal answers. */
  reset(): void;
  close(): Promise<void>;
}

export async function startHarness(secretValues: { routingKey?: string; webhook?: (slackUrl: string, path: string) => string } = {}): Promise<Harness> {
  const pd = await startServer(() => accepted202);
  const slack = await startServer(() => slackOk);
  const webhook = secretValues.webhook ?? ((url, path) => `${url}${path}`);
  const initial = () => ({
    [PARAMS.pagerdutyKey]: secretValues.routingKey ?? ROUTING_KEY,
    [PARAMS.slackCritical]: webhook(slack.url, WEBHOOK_PATHS.critical),
    [PARAMS.slackWarning]: webhook(slack.url, WEBHOOK_PATHS.warning),
  });
  const parameters = initial();
  const ssm = await startSsm(parameters);
  const alarmStates: Record<string, { state: string; since: string }> = {};
  const cloudwatch = await startCloudWatch(alarmStates);
  const restoreEnv = useAwsEndpoints(ssm.url, cloudwatch.url);
  const logs: LogLine[] = [];
  return {
    pd,
    slack,
    ssm,
    cloudwatch,
    alarmStates,
    parameters,
    pdEnv: {
      [ENV.pagerdutyKeyParameter]: PARAMS.pagerdutyKey,
      [ENV.topicSeverities]: JSON.stringify({ [TOPICS.critical]: "critical", [TOPICS.warning]: "warning" }),
      [ENV.pagerdutyEventsUrl]: `${pd.url}/v2/enqueue`,
    },
    slackEnv: { [ENV.slackWebhookParameters]: JSON.stringify({ [TOPICS.critical]: PARAMS.slackCritical, [TOPICS.warning]: PARAMS.slackWarning }) },
    logs,
    logSink: (level, line) => logs.push({ level, line, json: JSON.parse(line) }),
    reset() {
      for (const s of [pd, slack, ssm, cloudwatch]) s.requests.length = 0;
      for (const k of Object.keys(alarmStates)) delete alarmStates[k];
      Object.assign(parameters, initial());
      pd.reply = () => accepted202;
      slack.reply = () => slackOk;
      logs.length = 0;
    },
    async close() {
      restoreEnv();
      await Promise.all([pd.close(), slack.close(), ssm.close(), cloudwatch.close()]);
    },
  };
}

/** The JSON bodies a server received, in arrival order. */
export const bodies = (server: FakeServer): Record<string, unknown>[] => server.requests.map((r) => JSON.parse(r.body));
