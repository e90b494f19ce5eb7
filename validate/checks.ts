// What `npm run validate` checks beyond the generators' own tests, derived from the stack:
// a smoke rule test (ServiceDown fires for a sample of services, one per plane at least, only after its `for`, and the
// Watchdog always fires), a routing table in the shape of the reference's alert flow, and
// which secrets the stack still needs.
import * as path from "node:path";
import { stringify } from "yaml";
import { durationSeconds } from "../monitoring/duration";
import { expectedReceivers } from "../monitoring/alertmanager/routes";
import type { SnsReceiver } from "../monitoring/amp/alertmanager";
import { LABELS, RECEIVERS, SERVICE_ALERTS, WATCHDOG_ALERT } from "../monitoring/conventions";
import { selector } from "../monitoring/promql";
import { PROJECT, RawConfig, SecretPresence, SettingsError, Settings, TopicId, noSecrets, parseSettings } from "../settings";

const STEP_SECONDS = 15;
const HEALTHY_MINUTES = 5;

/** A `promtool test rules` file for the rendered rule files (absolute paths). */
/** Services the smoke test breaks: the first of each plane and a few more (one rule shape, so a sample proves it; 1000 would take minutes). */
const SMOKE_SERVICES = 10;

export function smokeRuleTest(settings: Settings, ruleFiles: string[]): string {
  const firstOfPlane = settings.planes.flatMap((p) => settings.services.filter((s) => s.plane === p).slice(0, 1));
  const services = [...new Set([...firstOfPlane, ...settings.services])].slice(0, Math.max(SMOKE_SERVICES, firstOfPlane.length));
  const downFor = durationSeconds(settings.alerts.serviceDownFor);
  const healthySteps = (HEALTHY_MINUTES * 60) / STEP_SECONDS;
  const downSteps = Math.ceil((downFor + 120) / STEP_SECONDS);
  const firing = (alertname: string, service?: string) =>
    `count(${selector("ALERTS", { alertname, alertstate: "firing", ...(service ? { [LABELS.service]: service } : {}) })})`;
  const seconds = (s: number) => `${s}s`;
  return stringify({
    rule_files: ruleFiles.map((f) => path.resolve(f)),
    evaluation_interval: seconds(STEP_SECONDS),
    tests: [
      {
        interval: seconds(STEP_SECONDS),
        input_series: services.map((svc) => ({
          series: selector("up", { job: svc.job, instance: svc.targets[0] ?? "smoke:80", service: svc.name, plane: svc.plane, ...(svc.team ? { team: svc.team } : {}) }),
          values: `1x${healthySteps - 1} 0x${downSteps}`,
        })),
        promql_expr_test: [
          { expr: firing(WATCHDOG_ALERT), eval_time: "1m", exp_samples: [{ labels: "{}", value: 1 }] },
          ...services.flatMap((svc) => [
            // Down for less than its `for`: not firing yet.
            { expr: firing(SERVICE_ALERTS.down, svc.name), eval_time: seconds(HEALTHY_MINUTES * 60 + Math.max(0, downFor - STEP_SECONDS)), exp_samples: [] },
            { expr: firing(SERVICE_ALERTS.down, svc.name), eval_time: seconds(HEALTHY_MINUTES * 60 + downFor + 2 * STEP_SECONDS), exp_samples: [{ labels: "{}", value: 1 }] },
          ]),
        ],
      },
    ],
  });
}

export interface RouteCase {
  labels: Record<string, string>;
  receivers: string[];
}

/**
 * The routing data's intent for typical alerts: a critical and a warning of the first service of
 * each plane, a page and a budget-policy alert of the first service, and the Watchdog.
 */
export function routingCases(settings: Settings): RouteCase[] {
  const of = (labels: Record<string, string>): RouteCase => ({ labels, receivers: expectedReceivers(settings, labels) });
  const owner = (svc: Settings["services"][number]) => ({ plane: svc.plane, service: svc.name, ...(svc.team ? { [LABELS.team]: svc.team } : {}) });
  const firsts = settings.planes.flatMap((p) => settings.services.filter((s) => s.plane === p).slice(0, 1));
  const first = settings.services[0];
  return [
    of({ alertname: WATCHDOG_ALERT, severity: "none" }),
    ...firsts.flatMap((svc) => [
      of({ alertname: SERVICE_ALERTS.down, severity: "critical", category: "availability", ...owner(svc) }),
      of({ alertname: SERVICE_ALERTS.highErrors, severity: "warning", category: "errors", ...owner(svc) }),
    ]),
    of({ alertname: "ErrorBudgetBurningFast", severity: "critical", category: "slo", slo: "availability", ...owner(first) }),
    of({ alertname: "ErrorBudgetExhausted", severity: "warning", category: "slo", [LABELS.policyAction]: "exhausted", ...owner(first) }),
  ];
}

/** `amtool config routes test` arguments for one case; without `verify`, amtool only says where it goes. */
export const routeTestArgs = (configFile: string, c: RouteCase, verify = true): string[] => [
  "config",
  "routes",
  "test",
  `--config.file=${configFile}`,
  ...(verify ? [`--verify.receivers=${c.receivers.join(",")}`] : []),
  ...Object.entries(c.labels).map(([k, v]) => `${k}=${v}`),
];

/**
 * With AMP, what is wrong with where amtool says a case goes (its output), if anything: the
 * alert must page through exactly one topic when the routing data pages it, and through none
 * otherwise (README "Managed Prometheus (AMP)" says which Slack channels it then reaches).
 */
export function ampRouteProblem(settings: Settings, topicArns: Record<TopicId, string>, receivers: SnsReceiver[], c: RouteCase, amtoolOutput: string): string | undefined {
  // amtool prints the receivers on its first line (warnings follow on stderr).
  const reached = amtoolOutput.trim().split("\n")[0].split(",").filter(Boolean);
  if (reached.length !== 1) return `reaches ${reached.join(", ") || "no receiver"}, not one receiver`;
  const arns = (receivers.find((r) => r.name === reached[0])?.sns_configs ?? []).map((s) => s.topic_arn);
  const paging = Object.keys(topicArns).filter((id) => settings.aws.topics[id].pagerduty && arns.includes(topicArns[id]));
  const pages = c.receivers.includes(RECEIVERS.pagerduty);
  if (paging.length !== (pages ? 1 : 0)) return `${reached[0]} pages through ${paging.length} topic(s); the routing data ${pages ? "pages it once" : "does not page it"}`;
  return undefined;
}

/** Secret presence from `pulumi config --stack <s> --json` (values are never shown, only `secret: true`). */
export function presenceFromPulumiJson(json: string): SecretPresence {
  const config = JSON.parse(json) as Record<string, { secret?: boolean; objectValue?: unknown }>;
  const set = (k: string) => config[`${PROJECT}:${k}`]?.secret === true;
  const slack = config[`${PROJECT}:slackWebhooks`];
  const slackIds = slack?.objectValue && typeof slack.objectValue === "object" ? Object.keys(slack.objectValue) : [];
  return { pagerdutyKey: set("pagerdutyKey"), slackWebhooks: slackIds, smtpPassword: set("smtpPassword"), grafanaAdminPassword: set("grafanaAdminPassword") };
}

/** The secret keys the stack needs that `presence` lacks, as the loader names them. */
export function missingSecrets(raw: RawConfig, presence: SecretPresence = noSecrets()): string[] {
  try {
    parseSettings({ ...raw, secrets: presence, plaintextSecrets: [] }, "stack", { requireSecrets: true });
    return [];
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    return err.problems.filter((p) => p.code === "missing-secret").map((p) => p.key.slice(PROJECT.length + 1));
  }
}
