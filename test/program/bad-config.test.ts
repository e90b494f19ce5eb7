import * as assert from "node:assert/strict";
import { SettingsError } from "../../settings";
import { failProgram, ProgramOptions } from "../helpers/pulumi-program";
import { SENTINEL } from "../helpers/sentinels";
import { settingsOf } from "../helpers/tools";

const prodSecrets = SENTINEL;
const { database, ...webhooksWithoutDatabase } = SENTINEL.slackWebhooks;
const { pagerdutyKey, ...secretsWithoutPagerduty } = SENTINEL;

interface BadCase {
  what: string;
  stack: "dev" | "prod";
  options: ProgramOptions;
  /** The key named in the error, and the value shown for it. */
  key: string;
  value: string;
}

const service = (extra: object) => [{ name: "cns-service", plane: "app", ...extra }];
const devNotifications = settingsOf("dev").notifications;
const prodAws = settingsOf("prod").aws;
/** The dev stack's notifications with routing keys (and teams) replaced. */
const withRouting = (routing: Record<string, unknown>, teams: Record<string, unknown> = {}) => ({
  ...devNotifications,
  teams: { ...devNotifications.teams, ...teams },
  routing: { ...devNotifications.routing, ...routing },
});

const CASES: BadCase[] = [
  { what: "objective 0", stack: "dev", options: { config: { slo: { availability: { objective: 0 } } } }, key: "ananta-monitoring:slo.availability.objective", value: "0" },
  { what: "objective 100", stack: "dev", options: { config: { slo: { availability: { objective: 100 } } } }, key: "ananta-monitoring:slo.availability.objective", value: "100" },
  { what: "per-service objective 150", stack: "dev", options: { config: { services: service({ slo: { availability: { objective: 150 } } }) } }, key: "ananta-monitoring:services[0].slo.availability.objective", value: "150" },
  // Objectives are percentages: a ratio-looking value is refused with the value meant, on every objective key.
  { what: "objective written as a ratio", stack: "dev", options: { config: { slo: { availability: { objective: 0.999 } } } }, key: "ananta-monitoring:slo.availability.objective", value: "0.999" },
  { what: "latency objective written as a ratio", stack: "dev", options: { config: { slo: { latency: [{ name: "p95", thresholdSeconds: 0.5, objective: 0.95 }] } } }, key: "ananta-monitoring:slo.latency[0].objective", value: "0.95" },
  { what: "per-service objective written as a ratio", stack: "dev", options: { config: { services: service({ slo: { availability: { objective: 0.995 } } }) } }, key: "ananta-monitoring:services[0].slo.availability.objective", value: "0.995" },
  { what: "per-service latency objective of 1", stack: "dev", options: { config: { services: service({ slo: { latency: [{ name: "p99", thresholdSeconds: 2, objective: 1 }] } }) } }, key: "ananta-monitoring:services[0].slo.latency[0].objective", value: "1" },
  { what: "objective as text", stack: "dev", options: { config: { slo: { availability: { objective: "99.9%" } } } }, key: "ananta-monitoring:slo.availability.objective", value: '"99.9%"' },
  { what: "unknown plane", stack: "dev", options: { config: { services: [{ name: "cns-service", plane: "data" }] } }, key: "ananta-monitoring:services[0].plane", value: '"data"' },
  { what: "duplicate service", stack: "dev", options: { config: { services: [...service({}), ...service({ plane: "control" })] } }, key: "ananta-monitoring:services[1].name", value: '"cns-service"' },
  { what: "no services", stack: "dev", options: { config: { services: [] } }, key: "ananta-monitoring:services", value: "[]" },
  { what: "latency threshold 0", stack: "dev", options: { config: { slo: { latency: [{ name: "p95", thresholdSeconds: 0, objective: 95 }] } } }, key: "ananta-monitoring:slo.latency[0].thresholdSeconds", value: "0" },
  // Values that reach annotations and labels: Prometheus would run a template in them.
  { what: "a template in runbookBaseUrl", stack: "dev", options: { config: { runbookBaseUrl: 'https://runbooks.example/{{ with query "up" }}{{ . }}{{ end }}/' } }, key: "ananta-monitoring:runbookBaseUrl", value: '"https://runbooks.example/{{ with query \\"up\\" }}{{ . }}{{ end }}/"' },
  { what: "a template in a service's job", stack: "dev", options: { config: { services: service({ job: "cns{{ $value }}" }) } }, key: "ananta-monitoring:services[0].job", value: '"cns{{ $value }}"' },
  { what: "a template in an events query beyond {{window}}", stack: "dev", options: { config: { services: service({ slo: { events: [{ name: "grpc", objective: 99.9, errors: 'sum(rate(x{a="{{ .Labels }}"}[{{window}}]))', total: "sum(rate(y[{{window}}]))" }] } }) } }, key: "ananta-monitoring:services[0].slo.events[0].errors", value: '"sum(rate(x{a=\\"{{ .Labels }}\\"}[{{window}}]))"' },
  // URLs written in plaintext (alertmanager.yml, Grafana's environment) carry no credential.
  { what: "a watchdog URL with a password", stack: "dev", options: { config: { notifications: { ...devNotifications, watchdog: { url: "https://ops:hunter2@hc.example/ping" } } } }, key: "ananta-monitoring:notifications.watchdog.url", value: '"https://ops:hunter2@hc.example/ping"' },
  { what: "a local webhook URL with a token in its query", stack: "dev", options: { config: { notifications: { ...devNotifications, localWebhookUrl: "http://127.0.0.1:5001/?token=abc123" } } }, key: "ananta-monitoring:notifications.localWebhookUrl", value: '"http://127.0.0.1:5001/?token=abc123"' },
  { what: "a Grafana root URL with a user and password", stack: "dev", options: { config: { grafana: { rootUrl: "https://admin:pw@grafana.example/" } } }, key: "ananta-monitoring:grafana.rootUrl", value: '"https://admin:pw@grafana.example/"' },
  // What an engine would refuse later (promtool, amtool, the rule evaluation): refused at load.
  { what: "a requests metric that is no metric name", stack: "dev", options: { config: { services: service({ metrics: { requests: "http requests" } }) } }, key: "ananta-monitoring:services[0].metrics.requests", value: '"http requests"' },
  { what: "errorCodes that is no regular expression", stack: "dev", options: { config: { services: service({ metrics: { errorCodes: "5..(" } }) } }, key: "ananta-monitoring:services[0].metrics.errorCodes", value: '"5..("' },
  { what: "errorCodes with a lookahead RE2 lacks", stack: "dev", options: { config: { services: service({ metrics: { errorCodes: "5(?!03).." } }) } }, key: "ananta-monitoring:services[0].metrics.errorCodes", value: '"5(?!03).."' },
  { what: "a latency selector that is more than matchers", stack: "dev", options: { config: { services: service({ slo: { latency: [{ name: "p99", thresholdSeconds: 2, objective: 99, selector: 'method="GET"} or vector(1) or up{a="b"' }] } }) } }, key: "ananta-monitoring:services[0].slo.latency[0].selector", value: '"method=\\"GET\\"} or vector(1) or up{a=\\"b\\""' },
  { what: "an events query with a # comment", stack: "dev", options: { config: { services: service({ slo: { events: [{ name: "grpc", objective: 99.9, errors: "sum(rate(grpc_errors_total[{{window}}])) # errors", total: "sum(rate(grpc_total[{{window}}]))" }] } }) } }, key: "ananta-monitoring:services[0].slo.events[0].errors", value: '"sum(rate(grpc_errors_total[{{window}}])) # errors"' },
  { what: "an events query that is a string", stack: "dev", options: { config: { services: service({ slo: { events: [{ name: "grpc", objective: 99.9, errors: '"{{window}}"', total: "sum(rate(grpc_total[{{window}}]))" }] } }) } }, key: "ananta-monitoring:services[0].slo.events[0].errors", value: '"\\"{{window}}\\""' },
  { what: "an events query with rate() on an instant vector", stack: "dev", options: { config: { services: service({ slo: { events: [{ name: "grpc", objective: 99.9, errors: "sum(rate(grpc_errors_total)) + 0 * count_over_time(x[{{window}}])", total: "sum(rate(grpc_total[{{window}}]))" }] } }) } }, key: "ananta-monitoring:services[0].slo.events[0].errors", value: '"sum(rate(grpc_errors_total)) + 0 * count_over_time(x[{{window}}])"' },
  { what: "an events query with {{window}} outside a range", stack: "dev", options: { config: { services: service({ slo: { events: [{ name: "grpc", objective: 99.9, errors: 'sum(rate(grpc_errors_total{w="{{window}}"}[{{window}}]))', total: "sum(rate(grpc_total[{{window}}]))" }] } }) } }, key: "ananta-monitoring:services[0].slo.events[0].errors", value: '"sum(rate(grpc_errors_total{w=\\"{{window}}\\"}[{{window}}]))"' },
  { what: "a group interval of 0s", stack: "dev", options: { config: { alertmanager: { groupInterval: "0s" } } }, key: "ananta-monitoring:alertmanager.groupInterval", value: '"0s"' },
  { what: "an alert that waits years", stack: "dev", options: { config: { alerts: { serviceDownFor: "5y" } } }, key: "ananta-monitoring:alerts.serviceDownFor", value: '"5y"' },
  { what: "a target port over 65535", stack: "dev", options: { config: { services: service({ targets: ["cns.internal:99999"] }) } }, key: "ananta-monitoring:services[0].targets[0]", value: '"cns.internal:99999"' },
  { what: "a retention shorter than the SLO period", stack: "dev", options: { config: { docker: { host: "unix:///var/run/docker.sock", retention: { time: "7d" } } } }, key: "ananta-monitoring:docker.retention.time", value: '"7d"' },
  { what: "a retention shorter than a service's own SLO period", stack: "dev", options: { config: { docker: { host: "unix:///var/run/docker.sock", retention: { time: "31d" } }, services: service({ slo: { availability: { objective: 99.9, periodDays: 90 } } }) } }, key: "ananta-monitoring:docker.retention.time", value: '"31d"' },
  { what: "Docker ports published on every interface", stack: "dev", options: { config: { docker: { host: "unix:///var/run/docker.sock", bindAddress: "0.0.0.0" } } }, key: "ananta-monitoring:docker.bindAddress", value: '"0.0.0.0"' },
  { what: "Docker ports published on every IPv6 interface", stack: "dev", options: { config: { docker: { host: "unix:///var/run/docker.sock", bindAddress: "::" } } }, key: "ananta-monitoring:docker.bindAddress", value: '"::"' },
  { what: "latency threshold in milliseconds by mistake", stack: "dev", options: { config: { services: service({ slo: { latency: [{ name: "p95", thresholdSeconds: 500, objective: 95 }] } }) } }, key: "ananta-monitoring:services[0].slo.latency[0].thresholdSeconds", value: "500" },
  { what: "negative latency threshold on a service", stack: "dev", options: { config: { services: service({ slo: { latency: [{ name: "p99", thresholdSeconds: -2, objective: 99 }] } }) } }, key: "ananta-monitoring:services[0].slo.latency[0].thresholdSeconds", value: "-2" },
  { what: "Slack channel without its webhook secret", stack: "prod", options: { secrets: { ...prodSecrets, slackWebhooks: webhooksWithoutDatabase } }, key: "ananta-monitoring:slackWebhooks.database", value: "(not set)" },
  { what: "prod without pagerdutyKey", stack: "prod", options: { secrets: secretsWithoutPagerduty }, key: "ananta-monitoring:pagerdutyKey", value: "(not set)" },
  { what: "webhook for an unknown channel", stack: "prod", options: { secrets: { ...prodSecrets, slackWebhooks: { ...SENTINEL.slackWebhooks, random: "https://hooks.slack.invalid/x" } } }, key: "ananta-monitoring:slackWebhooks.random", value: '"random"' },
  // Routing as data: every name it uses must exist and be reachable.
  { what: "a service naming an unknown team", stack: "dev", options: { config: { services: service({ team: "payments" }) } }, key: "ananta-monitoring:services[0].team", value: '"payments"' },
  { what: "a route to a team without receivers", stack: "dev", options: { config: { notifications: withRouting({ categories: { slo: "ghost" } }, { ghost: {} }) } }, key: "ananta-monitoring:notifications.routing.categories.slo", value: '"ghost"' },
  { what: "a severity tier posting to a team without a Slack channel", stack: "dev", options: { config: { notifications: withRouting({ severities: { critical: { pagerduty: true, slack: ["oncall"] } } }) } }, key: "ananta-monitoring:notifications.routing.severities.critical.slack[0]", value: '"oncall"' },
  { what: "one channel used by two teams", stack: "dev", options: { config: { notifications: withRouting({}, { payments: { slack: { channel: "#platform-alerts" } } }) } }, key: "ananta-monitoring:notifications.teams.payments.slack.channel", value: '"#platform-alerts"' },
  { what: "a plane route for a plane not in planes", stack: "dev", options: { config: { notifications: withRouting({ planes: { control: "controlPlane", app: "appPlane", edge: "platform" } }) } }, key: "ananta-monitoring:notifications.routing.planes.edge", value: '"edge"' },
  { what: "no default team", stack: "dev", options: { config: { notifications: withRouting({ defaultTeam: undefined }) } }, key: "ananta-monitoring:notifications.routing.defaultTeam", value: "(not set)" },
  { what: "the reserved infra plane", stack: "dev", options: { config: { planes: ["control", "app", "infra"] } }, key: "ananta-monitoring:planes[2]", value: '"infra"' },
  { what: "e-mail without a sender", stack: "dev", options: { config: { notifications: { ...devNotifications, email: { enabled: true, smarthost: "smtp.example:587" } } } }, key: "ananta-monitoring:notifications.email.from", value: "(not set)" },
  { what: "an SNS topic posting for a team without Slack", stack: "prod", options: { secrets: prodSecrets, config: { aws: { ...prodAws, topics: { critical: { slack: "oncall", pagerduty: "critical" }, warning: { slack: "platform" }, infrastructure: { slack: "infrastructure" } } } } }, key: "ananta-monitoring:aws.topics.critical.slack", value: '"oncall"' },
  // SLOs of any kind: real PromQL for every window, a threshold the histogram has, sane windows.
  { what: "an events SLI that is not PromQL", stack: "dev", options: { config: { services: service({ slo: { events: [{ name: "grpc", objective: 99.9, errors: "sum(rate(grpc_errors_total[{{window}}])", total: "sum(rate(grpc_total[{{window}}]))" }] } }) } }, key: "ananta-monitoring:services[0].slo.events[0].errors", value: '"sum(rate(grpc_errors_total[{{window}}])"' },
  { what: "an events SLI without {{window}}", stack: "dev", options: { config: { services: service({ slo: { events: [{ name: "grpc", objective: 99.9, errors: "sum(rate(grpc_errors_total[{{window}}]))", total: "sum(rate(grpc_total[5m]))" }] } }) } }, key: "ananta-monitoring:services[0].slo.events[0].total", value: '"sum(rate(grpc_total[5m]))"' },
  { what: "a latency selector that is not label matchers", stack: "dev", options: { config: { services: service({ slo: { latency: [{ name: "get", thresholdSeconds: 0.5, objective: 99, selector: 'method="GET' }] } }) } }, key: "ananta-monitoring:services[0].slo.latency[0].selector", value: '"method=\\"GET"' },
  { what: "a latency threshold that is not a bucket boundary", stack: "dev", options: { config: { services: service({ metrics: { durationBuckets: [0.1, 0.5, 1] }, slo: { latency: [{ name: "p99", thresholdSeconds: 2, objective: 99 }] } }) } }, key: "ananta-monitoring:services[0].slo.latency[0].thresholdSeconds", value: "2" },
  { what: "two SLOs of one service with one name", stack: "dev", options: { config: { services: service({ slo: { events: [{ name: "p95", objective: 99.9, errors: "sum(rate(e[{{window}}]))", total: "sum(rate(t[{{window}}]))" }] } }) } }, key: "ananta-monitoring:services[0].slo.events[0].name", value: '"p95"' },
  { what: "a burn condition whose short window is not shorter", stack: "dev", options: { config: { slo: { alerting: { page: [{ long: "1h", short: "1h", budgetPercent: 2 }] } } } }, key: "ananta-monitoring:slo.alerting.page[0].short", value: '"1h"' },
  { what: "a long window that is not whole hours", stack: "dev", options: { config: { slo: { alerting: { page: [{ long: "90m", short: "5m", budgetPercent: 2 }] } } } }, key: "ananta-monitoring:slo.alerting.page[0].long", value: '"90m"' },
  { what: "two burn tiers with one long window", stack: "dev", options: { config: { slo: { alerting: { ticket: [{ long: "6h", short: "2h", budgetPercent: 10 }] } } } }, key: "ananta-monitoring:slo.alerting.ticket[0].long", value: '"6h"' },
  { what: "an SLO's tier that is no burn tier", stack: "dev", options: { config: { slo: { availability: { tiers: { "2h": false } } } } }, key: "ananta-monitoring:slo.availability.tiers.2h", value: "false" },
  { what: "a tier's severity that is none", stack: "dev", options: { config: { services: service({ slo: { availability: { objective: 99.9, tiers: { "1h": { severity: "page" } } } } }) } }, key: "ananta-monitoring:services[0].slo.availability.tiers.1h.severity", value: '"page"' },
  { what: "a weekly maintenance window in a zone with daylight saving time", stack: "dev", options: { config: { slo: { maintenance: [{ name: "backup", weekly: { days: ["sun"], start: "02:00", duration: "2h", timeZone: "Europe/Berlin" } }] } } }, key: "ananta-monitoring:slo.maintenance[0].weekly.timeZone", value: '"Europe/Berlin"' },
  { what: "a maintenance window off the quarter hours", stack: "dev", options: { config: { slo: { maintenance: [{ name: "migration", start: "2026-12-13T22:10:00Z", end: "2026-12-14T01:00:00Z" }] } } }, key: "ananta-monitoring:slo.maintenance[0].start", value: '"2026-12-13T22:10:00Z"' },
  { what: "a maintenance window ending before it starts", stack: "dev", options: { config: { slo: { maintenance: [{ name: "migration", start: "2026-12-13T22:00:00Z", end: "2026-12-13T21:00:00Z" }] } } }, key: "ananta-monitoring:slo.maintenance[0].end", value: '"2026-12-13T21:00:00Z"' },
  { what: "a maintenance window of a service that is none", stack: "dev", options: { config: { slo: { maintenance: [{ name: "migration", services: ["nope"], start: "2026-12-13T22:00:00Z", end: "2026-12-13T23:00:00Z" }] } } }, key: "ananta-monitoring:slo.maintenance[0].services[0]", value: '"nope"' },
  { what: "a calendar period beside periodDays", stack: "dev", options: { config: { services: service({ slo: { availability: { objective: 99.9, periodDays: 28, period: { calendar: "month" } } } }) } }, key: "ananta-monitoring:services[0].slo.availability.periodDays", value: "28" },
  { what: "a calendar period in a zone with daylight saving time", stack: "dev", options: { config: { slo: { availability: { period: { calendar: "week", timeZone: "America/New_York" } } } } }, key: "ananta-monitoring:slo.availability.period.timeZone", value: '"America/New_York"' },
  { what: "a time slice that does not fit the 5-minute windows", stack: "dev", options: { config: { services: service({ slo: { timeslices: [{ name: "minutes", objective: 99, slice: "2m", good: { availability: 99 } }] } }) } }, key: "ananta-monitoring:services[0].slo.timeslices[0].slice", value: '"2m"' },
  { what: "a long window longer than a period", stack: "dev", options: { config: { slo: { periodDays: 7, alerting: { ticket: [{ long: "10d", short: "6h", budgetPercent: 10 }] } } } }, key: "ananta-monitoring:slo.alerting.ticket[0].long", value: '"10d"' },
  { what: "an objective whose page could never fire", stack: "dev", options: { config: { slo: { availability: { objective: 90 } } } }, key: "ananta-monitoring:slo.availability.objective", value: "90" },
  { what: "a period of 5 days", stack: "dev", options: { config: { slo: { periodDays: 5 } } }, key: "ananta-monitoring:slo.periodDays", value: "5" },
  { what: "port out of range", stack: "dev", options: { config: { docker: { ports: { grafana: 70000 } } } }, key: "ananta-monitoring:docker.ports.grafana", value: "70000" },
  { what: "port as text", stack: "dev", options: { config: { docker: { ports: { prometheus: "9090/tcp" } } } }, key: "ananta-monitoring:docker.ports.prometheus", value: '"9090/tcp"' },
  { what: "two services on one port", stack: "dev", options: { config: { docker: { ports: { prometheus: 9093 } } } }, key: "ananta-monitoring:docker.ports.alertmanager", value: "9093" },
  { what: "malformed bind address", stack: "dev", options: { config: { docker: { bindAddress: "localhost:9090" } } }, key: "ananta-monitoring:docker.bindAddress", value: '"localhost:9090"' },
  { what: "unpinned image", stack: "dev", options: { config: { docker: { images: { grafana: "grafana/grafana:latest" } } } }, key: "ananta-monitoring:docker.images.grafana", value: '"grafana/grafana:latest"' },
  { what: "unknown top-level key", stack: "dev", options: { config: { pagerDutyKey: "typo" } }, key: "ananta-monitoring:pagerDutyKey", value: '"typo"' },
  { what: "unknown nested key", stack: "dev", options: { config: { docker: { retention: { days: 30 } } } }, key: "ananta-monitoring:docker.retention.days", value: "30" },
  { what: "malformed duration", stack: "dev", options: { config: { alerts: { highErrorFor: "5 minutes" } } }, key: "ananta-monitoring:alerts.highErrorFor", value: '"5 minutes"' },
  { what: "critical error ratio below the high one", stack: "dev", options: { config: { alerts: { highErrorRatio: 0.05, criticalErrorRatio: 0.01 } } }, key: "ananta-monitoring:alerts.criticalErrorRatio", value: "0.01" },
  { what: "budget policy levels not decreasing", stack: "dev", options: { config: { slo: { budgetPolicy: { review: 20, freeze: 25, stop: 10 } } } }, key: "ananta-monitoring:slo.budgetPolicy", value: '{"review":20,"freeze":25,"stop":10}' },
  { what: "environment name too long for AWS names", stack: "prod", options: { secrets: prodSecrets, config: { environment: `prod-${"x".repeat(30)}` } }, key: "ananta-monitoring:environment", value: `"prod-${"x".repeat(30)}"` },
  { what: "unknown notification mode", stack: "dev", options: { config: { notifications: { mode: "staging" } } }, key: "ananta-monitoring:notifications.mode", value: '"staging"' },
  { what: "ECS services without a cluster", stack: "prod", options: { secrets: prodSecrets, config: { aws: { enabled: true, ecs: { services: [{ name: "cns-service", plane: "app" }] } } } }, key: "ananta-monitoring:aws.ecs.clusterName", value: "(not set)" },
  // AMP delivers through the AWS side; its workspace ids have one shape; it has no path to a dead man's switch.
  // Limits of distributed rulers (Mimir): refused before anything is deployed, not by the ruler later.
  { what: "more rule groups than rules.maxGroups", stack: "dev", options: { config: { rules: { maxGroups: 10 } } }, key: "ananta-monitoring:rules.maxGroups", value: "10" },
  { what: "groups too small for one SLO's rules", stack: "dev", options: { config: { rules: { maxRulesPerGroup: 5 } } }, key: "ananta-monitoring:rules.maxRulesPerGroup", value: "5" },
  { what: "groups of no rules", stack: "dev", options: { config: { rules: { maxRulesPerGroup: 0 } } }, key: "ananta-monitoring:rules.maxRulesPerGroup", value: "0" },
  { what: "an unknown rule engine", stack: "dev", options: { config: { rules: { engine: "thanos" } } }, key: "ananta-monitoring:rules.engine", value: '"thanos"' },
  { what: "vmalert rules with AMP", stack: "prod", options: { secrets: prodSecrets, config: { aws: { ...prodAws, amp: { enabled: true } }, rules: { engine: "vmalert" } } }, key: "ananta-monitoring:rules.engine", value: '"vmalert"' },
  { what: "AMP without the AWS side", stack: "dev", options: { config: { aws: { amp: { enabled: true } } } }, key: "ananta-monitoring:aws.amp.enabled", value: "true" },
  { what: "a malformed AMP workspace id", stack: "prod", options: { secrets: prodSecrets, config: { aws: { ...prodAws, amp: { enabled: true, workspaceId: "my-workspace" } } } }, key: "ananta-monitoring:aws.amp.workspaceId", value: '"my-workspace"' },
  { what: "a Watchdog URL with AMP", stack: "prod", options: { secrets: prodSecrets, config: { aws: { ...prodAws, amp: { enabled: true } }, notifications: { ...settingsOf("prod").notifications, watchdog: { url: "https://hc-ping.com/abc" } } } }, key: "ananta-monitoring:notifications.watchdog.url", value: '"https://hc-ping.com/abc"' },
  { what: "CloudWatch log retention not offered by AWS", stack: "prod", options: { secrets: prodSecrets, config: { aws: { enabled: true, logRetentionDays: 10 } } }, key: "ananta-monitoring:aws.logRetentionDays", value: "10" },
  // HA: two or more hosts, each its own address; never mixed with the single-host keys.
  { what: "one HA host", stack: "dev", options: { config: { docker: { hosts: [{ name: "a", host: "ssh://ops@a", address: "10.0.0.1" }] } } }, key: "ananta-monitoring:docker.hosts", value: '["a"]' },
  { what: "an HA host on every interface", stack: "dev", options: { config: { docker: { hosts: [{ name: "a", host: "ssh://ops@a", address: "0.0.0.0" }, { name: "b", host: "ssh://ops@b", address: "10.0.0.2" }] } } }, key: "ananta-monitoring:docker.hosts[0].address", value: '"0.0.0.0"' },
  { what: "two HA hosts with one address", stack: "dev", options: { config: { docker: { hosts: [{ name: "a", host: "ssh://ops@a", address: "10.0.0.1" }, { name: "b", host: "ssh://ops@b", address: "10.0.0.1" }] } } }, key: "ananta-monitoring:docker.hosts[1].address", value: '"10.0.0.1"' },
  { what: "an HA host name with a dash", stack: "dev", options: { config: { docker: { hosts: [{ name: "mon-a", host: "ssh://ops@a", address: "10.0.0.1" }, { name: "b", host: "ssh://ops@b", address: "10.0.0.2" }] } } }, key: "ananta-monitoring:docker.hosts[0].name", value: '"mon-a"' },
  { what: "a group interval the last HA peer's wait does not fit in", stack: "dev", options: { config: { alertmanager: { groupInterval: "40s" }, docker: { hosts: [{ name: "a", host: "ssh://ops@a", address: "10.0.0.1" }, { name: "b", host: "ssh://ops@b", address: "10.0.0.2" }, { name: "c", host: "ssh://ops@c", address: "10.0.0.3" }] } } }, key: "ananta-monitoring:alertmanager.groupInterval", value: '"40s"' },
  { what: "docker.host beside docker.hosts", stack: "dev", options: { config: { docker: { host: "ssh://ops@x", hosts: [{ name: "a", host: "ssh://ops@a", address: "10.0.0.1" }, { name: "b", host: "ssh://ops@b", address: "10.0.0.2" }] } } }, key: "ananta-monitoring:docker.host", value: '"ssh://ops@x"' },
];

describe("bad configuration fails before any resource is registered", () => {
  for (const c of CASES) {
    it(`${c.what}: names ${c.key}`, async () => {
      const { error, resources } = await failProgram(c.stack, c.options);
      assert.ok(error instanceof SettingsError, `expected a SettingsError, got ${error}`);
      assert.equal(resources.length, 0, `registered before failing: ${resources.map((r) => r.name).join(", ")}`);
      const line = error.message.split("\n").find((l) => l.includes(`${c.key} =`));
      assert.ok(line, `no line names ${c.key} in:\n${error.message}`);
      assert.ok(line.includes(`${c.key} = ${c.value}:`), `expected value ${c.value} in: ${line}`);
      assert.match(line, /: (must|is|duplicates|levels|looks|leaves)/, `no statement of what is allowed in: ${line}`);
    });
  }

  it("names the period and the service a retention must cover", async () => {
    const { error } = await failProgram("dev", { config: { docker: { host: "unix:///var/run/docker.sock", retention: { time: "31d" } }, services: service({ slo: { availability: { objective: 99.9, periodDays: 90 } } }) } });
    assert.match(error.message, /docker\.retention\.time = "31d": must keep the longest SLO period and a day more: at least 91d for the 90-day period of service cns-service, SLO availability/);
  });

  it("spells out the unit of a latency threshold it refuses", async () => {
    const { error } = await failProgram("dev", { config: { slo: { latency: [{ name: "p95", thresholdSeconds: 500, objective: 95 }] } } });
    assert.match(error.message, /slo\.latency\[0\]\.thresholdSeconds = 500: is in seconds \(0\.5 = 500 ms\) and must be at most 60/);
  });

  it("tells what a ratio-looking objective should have been", async () => {
    const { error } = await failProgram("dev", { config: { slo: { availability: { objective: 0.999 } } } });
    assert.match(error.message, /slo\.availability\.objective = 0\.999: looks like a ratio; write 99\.9 for 99\.9%/);
  });

  it("reports every problem at once", async () => {
    const { error } = await failProgram("dev", {
      config: { environment: "Dev", docker: { bindAddress: "nowhere", ports: { grafana: 0 } }, slo: { availability: { objective: 150 } } },
    });
    assert.ok(error instanceof SettingsError);
    assert.deepEqual(
      error.problems.map((p) => p.key).sort(),
      ["ananta-monitoring:docker.bindAddress", "ananta-monitoring:docker.ports.grafana", "ananta-monitoring:environment", "ananta-monitoring:slo.availability.objective"],
    );
  });

  it("never shows a secret value in an error", async () => {
    const { error } = await failProgram("prod", { secrets: { ...prodSecrets, slackWebhooks: { ...SENTINEL.slackWebhooks, random: "https://hooks.slack.invalid/SENTINEL-X" } } });
    assert.ok(!error.message.includes("SENTINEL"), error.message);
  });
});
