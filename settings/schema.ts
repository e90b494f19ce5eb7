// The typed, validated shape of every setting the program reads. Generic defaults live here
// (Pulumi.yaml mirrors them for the CLI; a test keeps the two in step); what is particular to
// one organisation (its teams, channels, e-mail domain, runbook URL, name prefix) is data in
// the stack files or in Pulumi.yaml's project defaults.
import { durationSeconds } from "./duration";
import { z } from "zod";

export { PROJECT } from "./project";

/** The planes a stack has unless it lists its own in `planes`. */
/** Rule engines the rendered rules are made for (settings rules.engine). */
export const RULE_ENGINES = ["prometheus", "vmalert"] as const;

export const DEFAULT_PLANES = ["control", "app"];
export const SEVERITIES = ["critical", "warning", "info"] as const;
export const PAGERDUTY_SEVERITIES = ["critical", "error", "warning", "info"] as const;
/** Alert categories (the `category` label); routing can give each an owning team. */
export const CATEGORIES = [
  "availability",
  "errors",
  "latency",
  "slo",
  "database",
  "cache",
  "infrastructure",
  "deployment",
  "monitoring",
] as const;

export type Plane = string;
export type TeamId = string;
export type TopicId = string;
export type Severity = (typeof SEVERITIES)[number];
export type Category = (typeof CATEGORIES)[number];

const NAME = /^[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

/** Whether Prometheus's RE2 takes the pattern: it must compile, and use no lookaround or backreference (RE2 has neither). */
function isRe2Regex(pattern: string): boolean {
  if (/\(\?<?[=!]|\\[1-9]|\\k</.test(pattern)) return false;
  try {
    new RegExp(`^(?:${pattern})$`);
    return true;
  } catch {
    return false;
  }
}
// Prometheus duration syntax, e.g. 30s, 5m, 1h30m.
const DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;

const name = (what: string) =>
  z.string().regex(NAME, { message: `must be ${what}: lower-case letters, digits and '-', 2-63 characters, starting with a letter` });
const duration = z.string().regex(DURATION, { message: "must be a Prometheus duration such as 30s, 5m or 1h30m" });
/** An interval something runs at: zero would be refused by Prometheus or Alertmanager (or spin). */
const interval = duration.refine((d) => durationSeconds(d) > 0, { message: "must be longer than 0s" });
/** How long an alert condition must hold: beyond a week it never pages in time. */
const MAX_FOR_SECONDS = 7 * 86_400;
const forDuration = duration.refine((d) => durationSeconds(d) <= MAX_FOR_SECONDS, { message: "must be at most 7d: an alert that waits longer never pages in time" });
const percent = z
  .number({ message: "must be a number" })
  .gt(0, { message: "must be a percentage greater than 0 and less than 100" })
  .lt(100, { message: "must be a percentage greater than 0 and less than 100" });
/** A number as people write it: 99.9, not 99.900000001 (for hints that echo a value). */
const tidy = (n: number): string => String(Number(n.toPrecision(10)));
/**
 * An SLO objective in percent. A value of at most 1 is almost always a ratio written by
 * mistake (0.999 meant 99.9%): refused with the value the user meant.
 */
const objective = percent.refine((v) => !(v > 0 && v <= 1), {
  error: (issue) => {
    const v = issue.input as number;
    const meant = v < 1 ? `write ${tidy(v * 100)} for ${tidy(v * 100)}%` : "1 as a ratio is 100%, which no SLO can promise";
    return `looks like a ratio; ${meant} (objectives are percentages greater than 1 and less than 100)`;
  },
});
const ratio = z
  .number({ message: "must be a number" })
  .gt(0, { message: "must be a ratio greater than 0 and at most 1" })
  .lte(1, { message: "must be a ratio greater than 0 and at most 1" });
const positive = z.number({ message: "must be a number" }).gt(0, { message: "must be greater than 0" });
/** A whole number of `what`, at least `min`. */
const wholeAtLeast = (min: number, what: string) => {
  const message = `must be a whole number of ${what}, at least ${min}`;
  return z.number({ message }).int({ message }).min(min, { message });
};
const port = z
  .number({ message: "must be a port number" })
  .int({ message: "must be a whole port number from 1 to 65535" })
  .min(1, { message: "must be a whole port number from 1 to 65535" })
  .max(65535, { message: "must be a whole port number from 1 to 65535" });
const image = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]+)?(@sha256:[a-f0-9]{64})?$/, {
    message: "must be a pinned image reference such as prom/prometheus:v3.5.0",
  })
  .refine((s) => /:[A-Za-z0-9._-]+$/.test(s.split("@")[0]) && !s.split("@")[0].endsWith(":latest"), {
    message: "must pin a version tag (not :latest or no tag)",
  });
/** Plane names are checked against `planes` with the other cross-key checks. */
const plane = z.string({ message: "must be a plane name" });
const email = z.email({ message: "must be an e-mail address" });
const TEAM_ID = /^[a-z][a-zA-Z0-9]{0,39}$/;
/** Team ids are config path segments (slackWebhooks.<team>) and label values: camelCase. */
const teamId = z.string().regex(TEAM_ID, { message: "must be a team id: a lower-case letter, then letters and digits (e.g. appPlane), at most 40" });
const url = z.url({ message: "must be an absolute http(s) URL", protocol: /^https?$/ });

/** Query parameters that carry a credential by their name. */
const CREDENTIAL_PARAM = /^(access[_-]?token|token|api[_-]?key|apikey|key|secret|password|passwd|pwd|auth|signature|sig|x-amz-signature)$/i;

/**
 * A URL written into a generated file or a container's environment, where nothing is secret:
 * refused when it carries a user and password or a credential in its query string.
 */
const publicUrl = url.superRefine((value, ctx) => {
  const u = new URL(value);
  if (u.username || u.password) ctx.addIssue({ code: "custom", message: "must not carry a user or password (user:password@): it is written in plaintext into the generated configuration; use a URL without credentials" });
  const named = [...u.searchParams.keys()].filter((k) => CREDENTIAL_PARAM.test(k));
  if (named.length > 0) ctx.addIssue({ code: "custom", message: `must not carry a credential in its query string (${named.join(", ")}): it is written in plaintext into the generated configuration; use a URL whose token is its path, or none` });
});

const periodDays = z
  .number({ message: "must be a whole number of days from 7 to 90" })
  .int({ message: "must be a whole number of days from 7 to 90" })
  .min(7, { message: "must be a whole number of days from 7 to 90" })
  .max(90, { message: "must be a whole number of days from 7 to 90" });
/**
 * Per SLO: burn-rate tiers (slo.alerting's page and ticket conditions, each named by its long
 * window: its burn_tier label) turned off, or given a severity of their own.
 */
const tiersSchema = z.record(
  duration,
  z.union([z.literal(false), z.strictObject({ severity: z.enum(SEVERITIES, { message: `must be a severity: ${SEVERITIES.join(", ")}` }) })], {
    message: "must be false (the tier is off) or {severity: critical|warning|info}",
  }),
);
/**
 * A calendar period instead of a rolling `periodDays`: the budget restarts at the start of each
 * month or week (Monday), in UTC or a fixed offset from it.
 */
const calendarPeriod = z.strictObject({
  calendar: z.enum(["month", "week"], { message: "must be month or week" }),
  timeZone: z.string().min(1).default("UTC"),
});
const METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const metricName = z.string().regex(METRIC, { message: "must be a Prometheus metric name such as http_request_duration_seconds" });
/** PromQL of an SLI, with the rate window written {{window}} (Sloth's {{.window}} too); checked with Prometheus's grammar in settings/promql.ts. */
const sliQuery = z.string().min(1, { message: "must be a PromQL expression" });

/**
 * Longest latency threshold taken: a request SLO over a minute is a unit mistake (500 meant as
 * milliseconds) far more often than a real objective, and would never page.
 */
export const MAX_LATENCY_THRESHOLD_SECONDS = 60;

/** A latency SLO on any histogram: `objective`% of the events it counts are faster than `thresholdSeconds`. */
export const latencySloSchema = z.strictObject({
  name: name("a latency SLO name"),
  thresholdSeconds: positive.max(MAX_LATENCY_THRESHOLD_SECONDS, {
    message: `is in seconds (0.5 = 500 ms) and must be at most ${MAX_LATENCY_THRESHOLD_SECONDS}; a threshold over a minute is most likely milliseconds written as seconds`,
  }),
  objective,
  periodDays: periodDays.optional(),
  period: calendarPeriod.optional(),
  tiers: tiersSchema.optional(),
  /** The histogram, without _bucket/_count; default the service's metrics.duration. */
  metric: metricName.optional(),
  /** Label matchers narrowing the histogram, e.g. method="GET",route="/api/orders". */
  selector: z.string().min(1).optional(),
  /** The histogram's bucket boundaries, when known: the threshold must be one of them. */
  buckets: z.array(positive).min(1).optional(),
});

/** Any good/total pair: PromQL rates of bad events and of all events, e.g. a gRPC or queue SLI. */
export const eventsSloSchema = z.strictObject({
  name: name("an SLO name"),
  objective,
  periodDays: periodDays.optional(),
  period: calendarPeriod.optional(),
  tiers: tiersSchema.optional(),
  errors: sliQuery,
  total: sliQuery,
});

/**
 * A time-slice SLO (OpenSLO Timeslices): the share of slices (minutes, or 5 minutes) in which a
 * condition on an SLI held: at least `availability`% of the slice's requests succeeded, or its
 * latency quantile stayed under a threshold. A slice without requests is good; one in which the
 * target was down is bad.
 */
export const timesliceSloSchema = z.strictObject({
  name: name("an SLO name"),
  objective,
  periodDays: periodDays.optional(),
  period: calendarPeriod.optional(),
  tiers: tiersSchema.optional(),
  slice: z.enum(["1m", "5m"], { message: "must be 1m or 5m: slices must fit the 5-minute window the pages read" }),
  good: z.union(
    [
      z.strictObject({ availability: objective }),
      z.strictObject({
        latency: z.strictObject({
          quantile: z.number().gt(0).lt(1, { message: "must be a quantile between 0 and 1, such as 0.95" }),
          thresholdSeconds: positive.max(MAX_LATENCY_THRESHOLD_SECONDS, { message: `is in seconds and must be at most ${MAX_LATENCY_THRESHOLD_SECONDS}` }),
          metric: metricName.optional(),
          selector: z.string().min(1).optional(),
        }),
      }),
    ],
    { message: "must be {availability: percent} or {latency: {quantile, thresholdSeconds, metric?, selector?}}" },
  ),
});

const availabilitySchema = z.strictObject({ objective, periodDays: periodDays.optional(), period: calendarPeriod.optional(), tiers: tiersSchema.optional() });

const sloOverrideSchema = z.strictObject({
  /** false: the service has no HTTP request metrics (no HTTP availability SLO, no error-rate alerts). */
  availability: z.union([z.literal(false), availabilitySchema], { message: "must be {objective, periodDays? or period?, tiers?} or false" }).optional(),
  latency: z.array(latencySloSchema).optional(),
  events: z.array(eventsSloSchema).optional(),
  timeslices: z.array(timesliceSloSchema).optional(),
});

const metricsSchema = z.strictObject({
  up: metricName.default("up"),
  requests: metricName.default("http_requests_total"),
  duration: metricName.default("http_request_duration_seconds"),
  /** The request histogram's bucket boundaries, when known: latency thresholds must be among them. */
  durationBuckets: z.array(positive).min(1).optional(),
  errorCodes: z.string().min(1).refine(isRe2Regex, { message: "must be a regular expression Prometheus accepts (RE2: no lookaround, no backreference), such as 5.. or 5..|429" }).default("5.."),
});

export const serviceSchema = z.strictObject({
  name: name("a service name"),
  plane,
  job: z.string().min(1).optional(),
  /** A team of notifications.teams: the `team` label, and (routing.serviceTeams) the owner of the service's alerts. */
  team: teamId.optional(),
  targets: z
    .array(
      z
        .string()
        .regex(/^[^\s/:]+:[0-9]{1,5}$/, { message: "must be host:port" })
        .refine((t) => Number(t.split(":")[1]) >= 1 && Number(t.split(":")[1]) <= 65535, { message: "must have a port from 1 to 65535" }),
    )
    .default([]),
  metrics: metricsSchema.prefault({}),
  slo: sloOverrideSchema.optional(),
});

/** One multi-window burn-rate condition: it fires when both windows burn faster than the factor. */
const burnPairSchema = z.strictObject({
  long: duration,
  short: duration,
  /** Share of the period's error budget the long window may spend before it fires; the factor is share × period / long. */
  budgetPercent: percent,
});

/**
 * Burn-rate alerting (SRE workbook): page when 2% of the budget goes in 1h or 5% in 6h, open a
 * ticket at 10% in 1d or 3d. Factors follow from each SLO's period (14.4/6/3/1 at 30 days).
 */
const alertingSchema = z.strictObject({
  page: z.array(burnPairSchema).min(1, { message: "must list at least one page condition" }).default([
    { long: "1h", short: "5m", budgetPercent: 2 },
    { long: "6h", short: "30m", budgetPercent: 5 },
  ]),
  ticket: z.array(burnPairSchema).default([
    { long: "1d", short: "2h", budgetPercent: 10 },
    { long: "3d", short: "6h", budgetPercent: 10 },
  ]),
  /** A page needs at least this many events in its short window: with fewer, one failed request reads as a large error ratio. */
  minEvents: wholeAtLeast(0, "events").default(10),
});

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/**
 * A planned maintenance window: its events spend no budget and count in no burn window, and the
 * burn-rate alerts of its services stay silent (all their alerts with `silence: all`). One-off
 * (`start`, `end`) or weekly; on quarter hours, since the history is read on a 15-minute grid.
 */
const maintenanceSchema = z.strictObject({
  name: name("a maintenance window name"),
  /** The services it covers (default all). */
  services: z.array(z.string()).min(1).optional(),
  /** One-off: RFC 3339 instants with a zone, e.g. 2026-12-13T22:00:00Z. */
  start: z.string().optional(),
  end: z.string().optional(),
  weekly: z
    .strictObject({
      days: z.array(z.enum(WEEKDAYS, { message: `must be a day of the week: ${WEEKDAYS.join(", ")}` })).min(1, { message: "must list at least one day" }),
      /** Local time of day it starts, hh:mm. */
      start: z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, { message: "must be a time of day hh:mm, such as 02:00" }),
      duration,
      /** UTC, a fixed offset such as +05:30, or an IANA zone without daylight saving time. */
      timeZone: z.string().min(1).default("UTC"),
    })
    .optional(),
  /** What stays silent inside it: the SLO alerts of its services (slo), or every alert of them (all). */
  silence: z.enum(["slo", "all"], { message: "must be slo (the SLO alerts of its services) or all (every alert of them)" }).default("slo"),
});

const sloSchema = z.strictObject({
  periodDays: periodDays.default(30),
  availability: z.strictObject({ objective: objective.default(99.9), period: calendarPeriod.optional(), tiers: tiersSchema.optional() }).prefault({}),
  latency: z
    .array(latencySloSchema)
    .default([
      { name: "p95", thresholdSeconds: 0.5, objective: 95 },
      { name: "p99", thresholdSeconds: 2, objective: 99 },
    ]),
  alerting: alertingSchema.prefault({}),
  maintenance: z.array(maintenanceSchema).default([]),
  // Error budget policy of the reference: remaining budget below each level triggers its action.
  budgetPolicy: z
    .strictObject({
      review: percent.default(50),
      freeze: percent.default(25),
      stop: percent.default(10),
    })
    .prefault({}),
});

const alertsSchema = z.strictObject({
  serviceDownFor: forDuration.default("1m"),
  highErrorRatio: ratio.default(0.01),
  highErrorFor: forDuration.default("5m"),
  criticalErrorRatio: ratio.default(0.05),
  criticalErrorFor: forDuration.default("2m"),
  latencyFor: forDuration.default("10m"),
  dbConnectionsRatio: ratio.default(0.9),
  dbReplicationLagSeconds: positive.default(30),
  dbLongTransactionSeconds: positive.default(300),
  redisMemoryRatio: ratio.default(0.95),
  redisEvictionsPerSecond: positive.default(1),
  hostCpuRatio: ratio.default(0.9),
  hostMemoryRatio: ratio.default(0.9),
  diskFillHours: positive.default(4),
  containerRestarts: positive.default(3),
  deploymentWindow: duration.default("15m"),
  // Thresholds and `for` durations of the remaining alerts in monitoring/alerts/ (README "Alerts").
  targetMissingFor: forDuration.default("5m"),
  // HA: a Prometheus replica or an Alertmanager peer down, or a peer missing from the cluster.
  peerDownFor: forDuration.default("5m"),
  flappingChanges: positive.default(4),
  flappingFor: forDuration.default("5m"),
  dbConnectionsFor: forDuration.default("2m"),
  dbDownFor: forDuration.default("1m"),
  dbReplicationLagFor: forDuration.default("5m"),
  dbLongTransactionFor: forDuration.default("2m"),
  dbDeadlocks: positive.default(3),
  dbDeadlocksFor: forDuration.default("1m"),
  redisMemoryFor: forDuration.default("2m"),
  redisDownFor: forDuration.default("1m"),
  redisEvictionsFor: forDuration.default("5m"),
  hostCpuFor: forDuration.default("10m"),
  hostMemoryFor: forDuration.default("5m"),
  diskFillFor: forDuration.default("15m"),
  containerRestartsFor: forDuration.default("1m"),
  containerOomFor: forDuration.default("1m"),
  deploymentFor: forDuration.default("2m"),
  ruleFailuresFor: forDuration.default("5m"),
  notificationsFailingRatio: ratio.default(0.01),
  notificationsFailingFor: forDuration.default("5m"),
  configReloadFor: forDuration.default("10m"),
});

const alertmanagerSchema = z.strictObject({
  groupWait: duration.default("30s"),
  groupInterval: interval.default("5m"),
  repeatInterval: z
    .strictObject({
      critical: interval.default("1h"),
      warning: interval.default("6h"),
      info: interval.default("24h"),
      // The Watchdog heartbeat: a dead man's switch expects it often.
      watchdog: interval.default("1m"),
    })
    .prefault({}),
  resolveTimeout: duration.default("5m"),
  // HA: how long each later peer waits per earlier peer before it sends (--cluster.peer-timeout).
  peerTimeout: interval.default("15s"),
});

const slackChannel = z.string().regex(/^#[a-z0-9][a-z0-9._-]*$/, { message: "must be a Slack channel name such as #critical-alerts" });

/** A team and where it is told: its Slack channel (webhook secret slackWebhooks.<team>) and e-mail. */
const teamSchema = z.strictObject({
  slack: z.strictObject({ channel: slackChannel }).optional(),
  email: email.optional(),
});

/** Who a severity notifies before the owner: PagerDuty, and the Slack channels and e-mail of teams. */
const tierSchema = z.strictObject({
  pagerduty: z.boolean().default(false),
  slack: z.array(teamId).default([]),
  email: z.array(teamId).default([]),
});

/**
 * Routing as data (see README "Routing"). Every alert reaches its severity's tier, then one
 * owner, the first that applies: its category's team, its service's own team, its plane's team,
 * the default team. Budget-policy alerts skip the tiers: they reach the `slo` category's team and
 * the owner, never PagerDuty.
 */
const routingSchema = z.strictObject({
  severities: z.partialRecord(z.enum(SEVERITIES, { message: `must be a severity: ${SEVERITIES.join(", ")}` }), tierSchema).default({}),
  categories: z.partialRecord(z.enum(CATEGORIES, { message: `must be an alert category: ${CATEGORIES.join(", ")}` }), teamId).default({}),
  planes: z.record(z.string(), teamId).default({}),
  serviceTeams: z.boolean().default(true),
  defaultTeam: teamId.optional(),
});

const emailSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Sender and SMTP server; required when e-mail is enabled. */
  from: email.optional(),
  smarthost: z.string().regex(/^[^\s:]+:[0-9]{1,5}$/, { message: "must be host:port" }).optional(),
  username: z.string().min(1).optional(),
  requireTls: z.boolean().default(true),
});

const notificationsSchema = z.strictObject({
  // production: real PagerDuty/Slack/e-mail receivers; local: webhook receivers that need no secret.
  mode: z.enum(["production", "local"], { message: "must be one of: production, local" }).default("local"),
  localWebhookUrl: publicUrl.default("http://127.0.0.1:5001/"),
  pagerduty: z
    .strictObject({
      enabled: z.boolean().default(false),
      url: url.optional(),
    })
    .prefault({}),
  email: emailSchema.prefault({}),
  teams: z.record(teamId, teamSchema).default({}),
  routing: routingSchema.prefault({}),
  // Dead man's switch (e.g. a healthchecks.io ping URL) the Watchdog heartbeat posts to in
  // production; unset, the heartbeat reaches no one. A plain URL: webhook url_file needs 0.26+.
  watchdog: z.strictObject({ url: publicUrl.optional() }).prefault({}),
});

const ipv4 = z.ipv4({ message: "must be an IPv4 or IPv6 address such as 127.0.0.1" });
const ipv6 = z.ipv6({ message: "must be an IPv4 or IPv6 address such as 127.0.0.1" });

const dockerHost = z.string().regex(/^(unix|tcp|ssh|npipe):\/\/\S+$/, { message: "must be a Docker host such as unix:///var/run/docker.sock or ssh://user@host" });
const address = z.union([ipv4, ipv6], { message: "must be an IPv4 or IPv6 address such as 127.0.0.1" });

/** One address of the host: a wildcard would publish Prometheus, Alertmanager and Grafana on every interface. */
const specificAddress = address.refine((a) => !["0.0.0.0", "::"].includes(a), {
  message: "must be one address of the host (127.0.0.1, or a private address behind your firewall), not a wildcard: 0.0.0.0 and :: publish Prometheus, Alertmanager and Grafana on every interface",
});

/** One host of an HA stack: a Prometheus replica and an Alertmanager peer run on each. */
const haHostSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9]{0,11}$/, { message: "must be 1-12 lower-case letters and digits, starting with a letter (it names the host's resources and its replica)" }),
  host: dockerHost,
  // Where the other hosts reach this one: its APIs and gossip port are published on it alone.
  address: specificAddress,
});

const dockerSchema = z.strictObject({
  host: dockerHost.default("unix:///var/run/docker.sock"),
  bindAddress: specificAddress.default("127.0.0.1"),
  hosts: z.array(haHostSchema).default([]),
  ports: z
    .strictObject({
      prometheus: port.default(9090),
      alertmanager: port.default(9093),
      grafana: port.default(3001),
      alertmanagerCluster: port.default(9094),
    })
    .prefault({}),
  images: z
    .strictObject({
      prometheus: image.default("prom/prometheus:v3.5.0"),
      alertmanager: image.default("prom/alertmanager:v0.28.1"),
      grafana: image.default("grafana/grafana:12.1.1"),
      nodeExporter: image.default("prom/node-exporter:v1.9.1"),
      cadvisor: image.default("gcr.io/cadvisor/cadvisor:v0.52.1"),
      // The sync step's reload: the client that verifies TLS and reads credentials from its input.
      curl: image.default("curlimages/curl:8.11.1"),
    })
    .prefault({}),
  retention: z
    .strictObject({
      // The default SLO period (30 days) and a day more.
      time: duration.default("31d"),
      size: z.string().regex(/^[0-9]+(B|KB|MB|GB|TB|PB)$/, { message: "must be a size such as 10GB" }).optional(),
    })
    .prefault({}),
  scrapeInterval: interval.default("15s"),
  evaluationInterval: interval.default("15s"),
  exporters: z
    .strictObject({
      nodeExporter: z.boolean().default(true),
      cadvisor: z.boolean().default(true),
    })
    .prefault({}),
});

const hostPort = z.string().regex(/^[^\s/:]+:[0-9]{1,5}$/, { message: "must be host:port" });

// Exporters of shared infrastructure that run elsewhere (next to the databases and caches).
const exporterTargetsSchema = z.strictObject({
  postgres: z.array(hostPort).default([]),
  redis: z.array(hostPort).default([]),
});

const grafanaSchema = z.strictObject({
  adminUser: z.string().min(1).default("admin"),
  rootUrl: publicUrl.optional(),
});

const awsThresholdsSchema = z.strictObject({
  rdsCpuPercent: percent.default(80),
  rdsFreeStorageBytes: positive.default(10 * 1024 ** 3),
  rdsConnections: positive.default(90),
  cacheCpuPercent: percent.default(75),
  cacheMemoryPercent: percent.default(90),
  cacheEvictions: positive.default(1000),
  ecsCpuPercent: percent.default(85),
  ecsMemoryPercent: percent.default(85),
});

const awsSchema = z.strictObject({
  enabled: z.boolean().default(false),
  logRetentionDays: z
    .number()
    .refine((n) => [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653].includes(n), {
      message: "must be a CloudWatch Logs retention: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ... days",
    })
    .default(30),
  lambdaTimeoutSeconds: z.number().int().min(5, { message: "must be a whole number of seconds from 5 to 900" }).max(900, { message: "must be a whole number of seconds from 5 to 900" }).default(30),
  rds: z.array(z.strictObject({ identifier: name("an RDS instance identifier"), plane })).default([]),
  elasticache: z.array(z.strictObject({ clusterId: name("an ElastiCache cluster id"), plane })).default([]),
  ecs: z
    .strictObject({
      clusterName: name("an ECS cluster name").optional(),
      services: z.array(z.strictObject({ name: name("an ECS service name"), plane })).default([]),
    })
    .prefault({}),
  thresholds: awsThresholdsSchema.prefault({}),
  // The SNS topics: the team whose Slack channel the Slack forwarder posts each to, and the
  // PagerDuty severity of the topics the PagerDuty forwarder pages from.
  topics: z
    .record(
      z.string().regex(/^[a-z][a-z0-9-]{0,29}$/, { message: "must be a topic id: lower-case letters, digits and '-', at most 30" }),
      z.strictObject({
        slack: teamId,
        pagerduty: z.enum(PAGERDUTY_SEVERITIES, { message: `must be a PagerDuty severity: ${PAGERDUTY_SEVERITIES.join(", ")}` }).optional(),
      }),
    )
    .default({
      critical: { slack: "critical", pagerduty: "critical" },
      warning: { slack: "platform" },
      slo: { slack: "slo", pagerduty: "error" },
      infrastructure: { slack: "infrastructure" },
    }),
  // The topic CloudWatch alarms of each severity notify.
  alarmTopics: z.strictObject({ critical: z.string().default("critical"), warning: z.string().default("warning") }).prefault({}),
  // Where each forwarder's own failures go: a topic the OTHER forwarder reads, so a broken
  // forwarder never has to report itself (PagerDuty's to a topic without a pagerduty severity).
  forwarderAlarmTopics: z.strictObject({ pagerduty: z.string().default("infrastructure"), slack: z.string().default("critical") }).prefault({}),
  tags: z.record(z.string(), z.string()).default({}),
  // Amazon Managed Service for Prometheus: rules evaluated and alerts sent there (through the
  // SNS topics and the forwarders), the Docker Prometheus remote-writing to it.
  amp: z
    .strictObject({
      enabled: z.boolean().default(false),
      /** An existing workspace to use instead of creating one. */
      workspaceId: z.string().regex(/^ws-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, { message: "must be an AMP workspace id such as ws-12345678-abcd-1234-abcd-123456789012" }).optional(),
    })
    .prefault({}),
}).superRefine((aws, ctx) => {
  // CloudWatch alarm names are <prefix>-<inventory name>-<metric>: a name used twice would collide.
  const entries = [
    ...aws.rds.map((d, i) => ({ value: d.identifier, path: ["rds", i, "identifier"] })),
    ...aws.elasticache.map((c, i) => ({ value: c.clusterId, path: ["elasticache", i, "clusterId"] })),
    ...aws.ecs.services.map((s, i) => ({ value: s.name, path: ["ecs", "services", i, "name"] })),
  ];
  entries.forEach(({ value, path }, i) => {
    const first = entries.findIndex((e) => e.value === value);
    if (first < i) {
      const where = entries[first].path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");
      ctx.addIssue({ code: "custom", path, message: `duplicates aws${where}; names across aws.rds, aws.elasticache and aws.ecs.services must be unique (they name the CloudWatch alarms)` });
    }
  });
});

/** Plain (non-secret) configuration keys: each is one top-level Pulumi config key. */
export const settingsSchema = z.strictObject({
  // At most 24 characters: it prefixes AWS names with tight limits (Lambda and IAM role names: 64).
  environment: z.string().regex(/^[a-z][a-z0-9-]{0,22}[a-z0-9]$/, {
    message: "must be an environment name: lower-case letters, digits and '-', 2-24 characters, starting with a letter",
  }),
  // With the environment, the first part of every resource name: <namePrefix>-<environment>-...
  namePrefix: z.string().regex(/^[a-z][a-z0-9]{0,11}$/, { message: "must be a name prefix: lower-case letters and digits, 1-12 characters, starting with a letter" }),
  runbookBaseUrl: url,
  planes: z
    .array(z.string().regex(/^[a-z][a-z0-9]{0,19}$/, { message: "must be a plane name: lower-case letters and digits, at most 20" }))
    .min(1, { message: "must list at least one plane" })
    .default(DEFAULT_PLANES),
  services: z.array(serviceSchema).min(1, { message: "must list at least one service" }),
  slo: sloSchema.prefault({}),
  alerts: alertsSchema.prefault({}),
  alertmanager: alertmanagerSchema.prefault({}),
  notifications: notificationsSchema.prefault({}),
  docker: dockerSchema.prefault({}),
  exporterTargets: exporterTargetsSchema.prefault({}),
  grafana: grafanaSchema.prefault({}),
  aws: awsSchema.prefault({}),
  // The engine that evaluates the rendered rules: Prometheus (and AMP), or VictoriaMetrics'
  // vmalert, whose 1.79 refuses keep_firing_for (the rules leave it out); and its limits on rule
  // groups (Grafana Mimir's ruler defaults: 20 rules per group, 70 groups per tenant).
  rules: z
    .strictObject({
      engine: z.enum(RULE_ENGINES, { message: `must be one of: ${RULE_ENGINES.join(", ")}` }).default("prometheus"),
      maxRulesPerGroup: wholeAtLeast(1, "rules").default(20),
      maxGroups: wholeAtLeast(1, "groups").default(70),
    })
    .prefault({}),
});

/** Secret configuration keys. Their values never enter Settings. */
export const SECRET_KEYS = ["pagerdutyKey", "slackWebhooks", "smtpPassword", "grafanaAdminPassword"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

export type RawSettings = z.output<typeof settingsSchema>;
export type LatencySlo = z.output<typeof latencySloSchema>;
export type Maintenance = z.output<typeof maintenanceSchema>;
export type TimesliceSlo = z.output<typeof timesliceSloSchema>;
export type EventsSlo = z.output<typeof eventsSloSchema>;
