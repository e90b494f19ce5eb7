// The one settings loader: every reader of configuration (the Pulumi program, `render`,
// tests, the local pipeline) turns raw config values into Settings here.
import * as fs from "node:fs";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { z } from "zod";
import { setSecretCommand, SettingsError, SettingsProblem, StackFileError } from "./errors";
import { burnFactor } from "./burn";
import { durationSeconds } from "./duration";
import { projectDefaults } from "./project";
import { hasWindow, instantiate, isSelectorOnly, promqlProblem, sliShapeProblem, windowsInRanges } from "./promql";
import { EventsSlo, LatencySlo, PROJECT, RawSettings, SECRET_KEYS, SecretKey, TeamId, settingsSchema } from "./schema";
import { suggestKey } from "./suggest";

/** Which secrets the stack has set. Values never pass through here. */
export interface SecretPresence {
  pagerdutyKey: boolean;
  /** Team ids with a Slack webhook set (slackWebhooks.<team>). */
  slackWebhooks: TeamId[];
  smtpPassword: boolean;
  grafanaAdminPassword: boolean;
}

/** A stack with no secret set (a fresh object: readers add to it). */
export const noSecrets = (): SecretPresence => ({ pagerdutyKey: false, slackWebhooks: [], smtpPassword: false, grafanaAdminPassword: false });

/** A service's SLOs with every default applied: each has its period; latency SLOs their histogram. */
export interface ResolvedSlos {
  /** The HTTP availability SLO, or false when the service has no HTTP request metrics. */
  availability: { objective: number; periodDays: number } | false;
  latency: (LatencySlo & { periodDays: number; metric: string })[];
  events: (EventsSlo & { periodDays: number })[];
}

export type ResolvedService = Omit<RawSettings["services"][number], "job" | "slo"> & {
  job: string;
  slo: ResolvedSlos;
};

export type Settings = Readonly<
  Omit<RawSettings, "services"> & {
    services: ResolvedService[];
    /** The stack's `aws:region`, when set. */
    awsRegion?: string;
    /** Secrets the stack has set (names only), so generators know which secret files exist. */
    secrets: SecretPresence;
  }
>;

/** Config values as Pulumi holds them: bare keys of this project, plus `aws:region`. */
export interface RawConfig {
  values: Record<string, unknown>;
  /** Secret keys present, with the sub-keys of `slackWebhooks`. */
  secrets: SecretPresence;
  /** Secret keys whose value is written in plaintext where it must be encrypted. */
  plaintextSecrets?: string[];
  awsRegion?: string;
}

const key = (path: PropertyKey[]): string =>
  `${PROJECT}:` + path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");

const valueAt = (root: unknown, path: PropertyKey[]): unknown =>
  path.reduce<unknown>((node, p) => (node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[p] : undefined), root);

function schemaProblems(values: Record<string, unknown>, error: z.ZodError): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const k of issue.keys) {
        const path = [...issue.path, k];
        const meant = suggestKey(settingsSchema, issue.path, k);
        const hint = meant ? `did you mean ${key([...issue.path, meant])}? ` : "";
        problems.push({ key: key(path), value: valueAt(values, path), message: `is not a known setting (${hint}see the configuration reference in README.md)` });
      }
      continue;
    }
    const value = valueAt(values, issue.path);
    const message = issue.code === "invalid_type" && value === undefined ? "is required" : issue.message;
    problems.push({ key: key(issue.path), value, message });
  }
  return problems;
}

type Problem = (path: PropertyKey[], value: unknown, message: string) => void;

/** Rate windows read from raw series (at most 1h); longer windows are read from the running totals. */
const RAW_WINDOW_MAX = 3600;
const DAY = 86_400;

/** Windows an SLO's queries are instantiated with: the 5m building block, and the raw alert windows. */
export const rawWindows = (s: RawSettings): string[] => {
  const a = s.slo.alerting;
  return [...new Set(["5m", ...[...a.page, ...a.ticket].flatMap((p) => [p.long, p.short]).filter((w) => durationSeconds(w) <= RAW_WINDOW_MAX)])];
};

/** Each SLO of a service: a unique name (its slo label), valid PromQL for every window, a threshold the histogram has. */
function sloProblems(s: RawSettings, svc: RawSettings["services"][number], i: number, problem: Problem): void {
  const own = svc.slo;
  const names = new Map<string, string>();
  const named = (path: PropertyKey[], n: string) => {
    const first = names.get(n);
    if (first) problem(path, n, `duplicates the SLO name of ${first}; SLO names (the slo label) must be unique per service`);
    else names.set(n, key(path).slice(PROJECT.length + 1));
  };
  const availability = own?.availability ?? s.slo.availability;
  if (availability !== false) names.set("availability", own?.availability ? `services[${i}].slo.availability` : "slo.availability");
  // A burn threshold at or above 100% errors can never be crossed: refuse it rather than stay silent.
  const reachable = (path: PropertyKey[], objective: number, days: number | undefined) => {
    const budget = (100 - objective) / 100;
    for (const kind of ["page", "ticket"] as const) {
      s.slo.alerting[kind].forEach((p, j) => {
        const factor = burnFactor(p, days ?? s.slo.periodDays);
        if (factor * budget >= 1) {
          problem(path, objective, `leaves a budget of ${Number((budget * 100).toPrecision(6))}%, and slo.alerting.${kind}[${j}] fires at ${Number(factor.toPrecision(6))}x that: more than every event failing, so it could never fire; raise the objective or lower that condition's budgetPercent`);
        }
      });
    }
  };
  if (availability !== false) reachable(own?.availability ? ["services", i, "slo", "availability", "objective"] : ["slo", "availability", "objective"], availability.objective, (availability as { periodDays?: number }).periodDays);
  const latencyPath = own?.latency ? ["services", i, "slo", "latency"] : ["slo", "latency"];
  (own?.latency ?? s.slo.latency).forEach((l, j) => {
    const at = [...latencyPath, j];
    named([...at, "name"], l.name);
    reachable([...at, "objective"], l.objective, l.periodDays);
    const metric = l.metric ?? svc.metrics.duration;
    if (l.selector !== undefined) {
      const selector = `${metric}_bucket{${l.selector}}`;
      const why = promqlProblem(selector) ?? (isSelectorOnly(selector) ? undefined : "is more than one selector");
      if (why) problem([...at, "selector"], l.selector, `must be label matchers such as method="GET"; ${selector} ${why}`);
    }
    const buckets = l.buckets ?? (l.metric === undefined ? svc.metrics.durationBuckets : undefined);
    if (buckets && !buckets.some((b) => Math.abs(b - l.thresholdSeconds) < 1e-9)) {
      problem([...at, "thresholdSeconds"], l.thresholdSeconds, `must be a bucket boundary of ${metric} (buckets: ${buckets.join(", ")}): the SLI counts the events of the bucket at the threshold`);
    }
  });
  (own?.events ?? []).forEach((e: EventsSlo, j) => {
    const at = ["services", i, "slo", "events", j];
    named([...at, "name"], e.name);
    reachable([...at, "objective"], e.objective, e.periodDays);
    for (const field of ["errors", "total"] as const) {
      const query = e[field];
      if (!hasWindow(query)) {
        problem([...at, field], query, "must contain {{window}} (or {{.window}}) where the rate window goes, e.g. sum(rate(x[{{window}}]))");
        continue;
      }
      if (!windowsInRanges(query)) {
        problem([...at, field], query, "must use {{window}} only as a range, e.g. rate(x[{{window}}]); elsewhere it becomes a literal 5m");
        continue;
      }
      for (const w of rawWindows(s)) {
        const why = promqlProblem(instantiate(query, w)) ?? sliShapeProblem(instantiate(query, w));
        if (why) {
          problem([...at, field], query, `${why} once {{window}} is ${w}`);
          break;
        }
      }
    }
  });
}

/** Every SLO period in days, with who sets it (the stack's default, or a service's SLO). */
function sloPeriods(s: RawSettings): { days: number; where: string }[] {
  return [
    { days: s.slo.periodDays, where: "slo.periodDays" },
    ...s.services.flatMap((svc) => [
      ...(svc.slo?.availability && svc.slo.availability.periodDays ? [{ days: svc.slo.availability.periodDays, where: `service ${svc.name}, SLO availability` }] : []),
      ...(svc.slo?.latency ?? []).flatMap((l) => (l.periodDays ? [{ days: l.periodDays, where: `service ${svc.name}, SLO ${l.name}` }] : [])),
      ...(svc.slo?.events ?? []).flatMap((e) => (e.periodDays ? [{ days: e.periodDays, where: `service ${svc.name}, SLO ${e.name}` }] : [])),
    ]),
  ];
}

/**
 * The stack's Prometheus must keep every SLO period and a day more (the period's windows read
 * `offset <period>` and a slot beyond): shorter, and a "30-day" budget silently covers only what
 * is kept. AMP keeps its own history (150 days), so this is the Docker Prometheus's concern only.
 */
function retentionProblems(s: RawSettings, problem: Problem): void {
  if (s.aws.amp.enabled) return;
  const longest = sloPeriods(s).reduce((a, b) => (b.days > a.days ? b : a));
  const needed = (longest.days + 1) * 86_400;
  if (durationSeconds(s.docker.retention.time) < needed) {
    problem(["docker", "retention", "time"], s.docker.retention.time, `must keep the longest SLO period and a day more: at least ${longest.days + 1}d for the ${longest.days}-day period of ${longest.where}`);
  }
}

/** Burn-rate windows: short below long, long within every period, long windows in whole hours. */
function alertingProblems(s: RawSettings, problem: Problem): void {
  const shortest = Math.min(...sloPeriods(s).map((p) => p.days));
  for (const kind of ["page", "ticket"] as const) {
    s.slo.alerting[kind].forEach((p, j) => {
      const at = ["slo", "alerting", kind, j];
      const long = durationSeconds(p.long);
      const short = durationSeconds(p.short);
      if (short >= long) problem([...at, "short"], p.short, `must be shorter than its long window ${p.long}`);
      if (long > shortest * DAY) problem([...at, "long"], p.long, `must be at most the shortest SLO period (${shortest} days)`);
      for (const [field, w, secs] of [["long", p.long, long], ["short", p.short, short]] as const) {
        if (secs > RAW_WINDOW_MAX && secs % 3600 !== 0) problem([...at, field], w, "must be at most 1h, or a whole number of hours (longer windows are read from the running totals)");
      }
    });
  }
}

/** The plane label of alerts about shared infrastructure; no plane of `planes` may take it. */
const RESERVED_PLANE = "infra";

const list = (xs: readonly string[]) => (xs.length > 0 ? xs.join(", ") : "(none)");

/** Checks across keys and against the secrets the stack has set. */
function crossProblems(s: RawSettings, raw: RawConfig, requireSecrets: boolean): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const problem = (path: PropertyKey[], value: unknown, message: string) => problems.push({ key: key(path), value, message });
  const n = s.notifications;
  const teams = n.teams;
  const teamIds = Object.keys(teams);
  const hasReceivers = (t: string) => Boolean(teams[t]?.slack || teams[t]?.email);

  s.planes.forEach((p, i) => {
    if (p === RESERVED_PLANE) problem(["planes", i], p, `is reserved: alerts about shared infrastructure carry plane="${RESERVED_PLANE}"`);
    else if (s.planes.indexOf(p) < i) problem(["planes", i], p, `duplicates planes[${s.planes.indexOf(p)}]; plane names must be unique`);
  });
  const inPlanes = (path: PropertyKey[], p: string) => {
    if (!s.planes.includes(p)) problem(path, p, `must be one of: ${list(s.planes)} (the planes setting)`);
  };

  const seen = new Map<string, number>();
  const jobs = new Map<string, number>();
  s.services.forEach((svc, i) => {
    inPlanes(["services", i, "plane"], svc.plane);
    if (svc.team !== undefined && !(svc.team in teams)) problem(["services", i, "team"], svc.team, `is not a team of notifications.teams (teams: ${list(teamIds)})`);
    const first = seen.get(svc.name);
    if (first !== undefined) {
      problems.push({ key: key(["services", i, "name"]), value: svc.name, message: `duplicates services[${first}]; service names must be unique` });
    } else seen.set(svc.name, i);
    const job = svc.job ?? `${svc.plane}-plane-${svc.name}`;
    const firstJob = jobs.get(job);
    if (firstJob !== undefined && first === undefined) {
      problems.push({ key: key(["services", i, "job"]), value: job, message: `duplicates the job of services[${firstJob}]; scrape jobs must be unique` });
    } else jobs.set(job, i);
    sloProblems(s, svc, i, problem);
  });
  alertingProblems(s, problem);
  retentionProblems(s, problem);

  // Teams: one Slack channel per team (receivers and webhooks are per team).
  const channelOwner = new Map<string, string>();
  for (const [id, team] of Object.entries(teams)) {
    const channel = team.slack?.channel;
    if (!channel) continue;
    const other = channelOwner.get(channel);
    if (other) problem(["notifications", "teams", id, "slack", "channel"], channel, `is already the channel of team ${other}; each channel belongs to one team`);
    else channelOwner.set(channel, id);
  }

  // Routing: every team it names exists and can be told.
  const r = n.routing;
  const routedTo = (path: PropertyKey[], team: string, needs: "slack" | "email" | "receivers") => {
    if (!(team in teams)) return problem(path, team, `is not a team of notifications.teams (teams: ${list(teamIds)})`);
    const ok = needs === "receivers" ? hasReceivers(team) : Boolean(teams[team][needs]);
    if (!ok) {
      problem(
        path,
        team,
        needs === "receivers"
          ? `must be a team with receivers, and ${team} has none: give notifications.teams.${team} a slack channel or an email`
          : `must be a team with ${needs === "slack" ? "a Slack channel" : "an e-mail"}, and ${team} has none: set notifications.teams.${team}.${needs === "slack" ? "slack.channel" : "email"}`,
      );
    }
  };
  for (const [severity, tier] of Object.entries(r.severities)) {
    tier.slack.forEach((t, i) => routedTo(["notifications", "routing", "severities", severity, "slack", i], t, "slack"));
    tier.email.forEach((t, i) => routedTo(["notifications", "routing", "severities", severity, "email", i], t, "email"));
  }
  for (const [category, team] of Object.entries(r.categories)) routedTo(["notifications", "routing", "categories", category], team as string, "receivers");
  for (const [p, team] of Object.entries(r.planes)) {
    inPlanes(["notifications", "routing", "planes", p], p);
    routedTo(["notifications", "routing", "planes", p], team, "receivers");
  }
  if (r.defaultTeam === undefined) problem(["notifications", "routing", "defaultTeam"], undefined, "is required: the team that owns alerts no other rule gives an owner");
  else routedTo(["notifications", "routing", "defaultTeam"], r.defaultTeam, "receivers");

  const { review, freeze, stop } = s.slo.budgetPolicy;
  if (!(review > freeze && freeze > stop)) {
    problems.push({ key: key(["slo", "budgetPolicy"]), value: s.slo.budgetPolicy, message: "levels must decrease: review > freeze > stop" });
  }
  if (s.alerts.criticalErrorRatio <= s.alerts.highErrorRatio) {
    problems.push({ key: key(["alerts", "criticalErrorRatio"]), value: s.alerts.criticalErrorRatio, message: `must be greater than alerts.highErrorRatio (${s.alerts.highErrorRatio})` });
  }
  const ports = Object.entries(s.docker.ports);
  ports.forEach(([name, p], i) => {
    const other = ports.findIndex(([, q]) => q === p);
    if (other < i) problems.push({ key: key(["docker", "ports", name]), value: p, message: `is already used by docker.ports.${ports[other][0]}` });
  });

  // Secrets: a webhook for a team that cannot use one is a mistake (a typo, or a renamed team).
  for (const id of raw.secrets.slackWebhooks) {
    if (!teams[id]?.slack) problems.push({ key: `${PROJECT}:slackWebhooks.${id}`, value: id, message: `is not a team with a Slack channel; teams with one: ${list(teamIds.filter((t) => teams[t].slack))}` });
  }
  const need = (secret: string, present: boolean, why: string) => {
    if (requireSecrets && !present && !problems.some((p) => p.key === `${PROJECT}:${secret}`)) {
      problems.push({
        key: `${PROJECT}:${secret}`,
        value: undefined,
        message: `is required ${why}; set it with: ${setSecretCommand(secret)}`,
      });
    }
  };
  // The stack's Alertmanager sends with these secrets; with AMP there is none (AMP sends through SNS).
  const alertmanagerSends = n.mode === "production" && !s.aws.amp.enabled;
  if (alertmanagerSends && n.pagerduty.enabled) need("pagerdutyKey", raw.secrets.pagerdutyKey, "when notifications.pagerduty.enabled is true");
  if (alertmanagerSends) {
    for (const [id, team] of Object.entries(teams)) {
      if (team.slack) need(`slackWebhooks.${id}`, raw.secrets.slackWebhooks.includes(id), `for Slack channel ${team.slack.channel} (team ${id})`);
    }
  }
  if (n.email.enabled) {
    if (!n.email.from) problem(["notifications", "email", "from"], undefined, "is required when notifications.email.enabled is true (the sender address)");
    if (!n.email.smarthost) problem(["notifications", "email", "smarthost"], undefined, "is required when notifications.email.enabled is true (the SMTP server host:port)");
    if (n.email.username && alertmanagerSends) need("smtpPassword", raw.secrets.smtpPassword, "when notifications.email.username is set");
  }
  const hosts = s.docker.hosts;
  if (hosts.length > 0) {
    const givenDocker = (raw.values.docker ?? {}) as Record<string, unknown>;
    if (hosts.length === 1) problem(["docker", "hosts"], hosts.map((h) => h.name), "must list two or more hosts for HA (for one host, set docker.host and docker.bindAddress instead)");
    for (const single of ["host", "bindAddress"]) {
      if (givenDocker[single] !== undefined) problem(["docker", single], givenDocker[single], "must not be set with docker.hosts, where each host gives its own host and address");
    }
    // Each later peer waits the peer timeout per peer before it sends; the last one must be done
    // well within a group interval, or its flushes drift and it sends states already replaced.
    const lastWait = durationSeconds(s.alertmanager.peerTimeout) * (hosts.length - 1);
    if (hosts.length > 1 && durationSeconds(s.alertmanager.groupInterval) <= lastWait * 2) {
      problem(["alertmanager", "groupInterval"], s.alertmanager.groupInterval, `must be longer than ${lastWait * 2}s with ${hosts.length} HA hosts: twice the ${lastWait}s the last peer waits before it sends (alertmanager.peerTimeout ${s.alertmanager.peerTimeout} per peer)`);
    }
    for (const field of ["name", "host", "address"] as const) {
      hosts.forEach((h, i) => {
        const first = hosts.findIndex((o) => o[field] === h[field]);
        if (first < i) problem(["docker", "hosts", i, field], h[field], `duplicates docker.hosts[${first}].${field}; every host's ${field} must be unique`);
      });
    }
  }
  s.aws.rds.forEach((d, i) => inPlanes(["aws", "rds", i, "plane"], d.plane));
  s.aws.elasticache.forEach((c, i) => inPlanes(["aws", "elasticache", i, "plane"], c.plane));
  s.aws.ecs.services.forEach((e, i) => inPlanes(["aws", "ecs", "services", i, "plane"], e.plane));
  if (s.aws.amp.enabled && !s.aws.enabled) problem(["aws", "amp", "enabled"], true, "must not be true without aws.enabled: AMP's Alertmanager delivers through the stack's SNS topics and forwarders");
  if (s.aws.amp.workspaceId && !s.aws.amp.enabled) problem(["aws", "amp", "workspaceId"], s.aws.amp.workspaceId, "must not be set without aws.amp.enabled");
  if (s.aws.amp.enabled && s.rules.engine !== "prometheus") problem(["rules", "engine"], s.rules.engine, "must be prometheus with aws.amp.enabled: AMP evaluates the rules, with Prometheus's rule format");
  // AMP's Alertmanager has SNS receivers only: a heartbeat to a dead man's switch would silently stop.
  if (s.aws.amp.enabled && n.watchdog.url) problem(["notifications", "watchdog", "url"], n.watchdog.url, "must not be set with aws.amp.enabled: AMP's Alertmanager sends only to SNS topics, so the Watchdog heartbeat cannot reach it (see README \"Managed Prometheus (AMP)\")");
  if (s.aws.enabled) {
    if (!raw.awsRegion) problems.push({ key: "aws:region", value: undefined, message: "is required when aws.enabled is true (e.g. us-east-1)" });
    need("pagerdutyKey", raw.secrets.pagerdutyKey, "when aws.enabled is true (the PagerDuty forwarder Lambda)");
    const topics = Object.entries(s.aws.topics);
    for (const [id, topic] of topics) {
      routedTo(["aws", "topics", id, "slack"], topic.slack, "slack");
      if (teams[topic.slack]?.slack && !(alertmanagerSends && hasReceivers(topic.slack))) {
        need(`slackWebhooks.${topic.slack}`, raw.secrets.slackWebhooks.includes(topic.slack), `when aws.enabled is true (the Slack forwarder posts topic ${id} to ${teams[topic.slack].slack!.channel})`);
      }
    }
    for (const [severity, topic] of Object.entries(s.aws.alarmTopics)) {
      if (!(topic in s.aws.topics)) problem(["aws", "alarmTopics", severity], topic, `is not a topic of aws.topics (topics: ${list(topics.map(([id]) => id))})`);
    }
    // A forwarder's own failures are reported through the other one.
    const { pagerduty: pdHealth, slack: slackHealth } = s.aws.forwarderAlarmTopics;
    if (!s.aws.topics[pdHealth] || s.aws.topics[pdHealth].pagerduty) {
      problem(["aws", "forwarderAlarmTopics", "pagerduty"], pdHealth, `must be a topic of aws.topics without a pagerduty severity (read by the Slack forwarder only): ${list(topics.filter(([, t]) => !t.pagerduty).map(([id]) => id))}`);
    }
    if (!s.aws.topics[slackHealth]?.pagerduty) {
      problem(["aws", "forwarderAlarmTopics", "slack"], slackHealth, `must be a topic of aws.topics with a pagerduty severity (read by the PagerDuty forwarder): ${list(topics.filter(([, t]) => t.pagerduty).map(([id]) => id))}`);
    }
    if (s.aws.ecs.services.length > 0 && !s.aws.ecs.clusterName) {
      problems.push({ key: key(["aws", "ecs", "clusterName"]), value: undefined, message: "is required when aws.ecs.services is not empty" });
    }
  }
  // A default shared by many services is one problem, not one per service.
  return problems.filter((p, i) => problems.findIndex((q) => q.key === p.key && q.message === p.message) === i);
}

function resolveServices(s: RawSettings): ResolvedService[] {
  const period = s.slo.periodDays;
  return s.services.map(({ job, slo, ...svc }) => {
    const availability = slo?.availability ?? s.slo.availability;
    return {
      ...svc,
      job: job ?? `${svc.plane}-plane-${svc.name}`,
      slo: {
        availability: availability === false ? false : { objective: availability.objective, periodDays: (availability as { periodDays?: number }).periodDays ?? period },
        latency: (slo?.latency ?? s.slo.latency).map((l) => ({ ...l, periodDays: l.periodDays ?? period, metric: l.metric ?? svc.metrics.duration })),
        events: (slo?.events ?? []).map((e) => ({ ...e, periodDays: e.periodDays ?? period })),
      },
    };
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export interface ParseOptions {
  /**
   * Fail when a secret the stack needs is not set. The Pulumi program always checks; readers
   * of a stack file (render, tools) may not, since a committed stack file may hold no secrets.
   */
  requireSecrets?: boolean;
}

/** Validates raw config, applies defaults and returns one read-only Settings object. */
/** The settings that may hold the one template placeholder of ours: an events SLI's `{{window}}`. */
const EVENTS_QUERY = /^services\[\d+\]\.slo\.events\[\d+\]\.(errors|total)$/;

/**
 * Every string setting holding a Go template delimiter: Prometheus and Alertmanager execute the
 * annotations, labels and messages these values reach (`{{ with query "..." }}` in a runbook URL
 * would run in every alert). Only an events query's `{{window}}` is a placeholder of ours.
 */
function templateProblems(values: unknown, path: PropertyKey[] = []): SettingsProblem[] {
  if (typeof values === "string") {
    const bare = path.length > 0 && EVENTS_QUERY.test(key(path).slice(PROJECT.length + 1)) ? instantiate(values, "") : values;
    return /\{\{|\}\}/.test(bare)
      ? [{ key: key(path), value: values, message: "must not contain {{ or }}: Prometheus and Alertmanager would run it as a template in every alert it reaches" }]
      : [];
  }
  if (Array.isArray(values)) return values.flatMap((v, i) => templateProblems(v, [...path, i]));
  if (values !== null && typeof values === "object") return Object.entries(values).flatMap(([k, v]) => templateProblems(v, [...path, k]));
  return [];
}

export function parseSettings(raw: RawConfig, source = "configuration", { requireSecrets = true }: ParseOptions = {}): Settings {
  const plaintext = (raw.plaintextSecrets ?? []).map((k) => ({
    key: `${PROJECT}:${k}`,
    value: "(hidden)",
    message: `is a secret written in plaintext; set it with: ${setSecretCommand(k)}`,
  }));
  const templates = templateProblems(raw.values);
  const result = settingsSchema.safeParse(raw.values);
  if (!result.success) throw new SettingsError(source, [...schemaProblems(raw.values, result.error), ...templates, ...plaintext]);
  if (templates.length > 0) throw new SettingsError(source, [...templates, ...plaintext]);
  const problems = [...crossProblems(result.data, raw, requireSecrets), ...plaintext];
  if (problems.length > 0) throw new SettingsError(source, problems);
  return deepFreeze({ ...result.data, services: resolveServices(result.data), awsRegion: raw.awsRegion, secrets: raw.secrets });
}

const isSecure = (v: unknown): boolean => v !== null && typeof v === "object" && Object.keys(v).length === 1 && "secure" in v;

/** The YAML document of a stack file; a missing file or a syntax error is one StackFileError. */
function readYaml(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StackFileError(file, code === "ENOENT" ? "no such stack file" : `cannot be read (${code ?? (error as Error).message})`);
  }
  try {
    return parseYaml(text);
  } catch (error) {
    if (!(error instanceof YAMLParseError)) throw error;
    // The parser's message ends with the position and a code excerpt; the position leads instead.
    const what = error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw new StackFileError(file, `not valid YAML: ${what}`, error.linePos?.[0]);
  }
}

/**
 * Reads a Pulumi stack file (`Pulumi.<stack>.yaml`) into raw config, over the project defaults
 * of Pulumi.yaml as the Pulumi CLI applies them. Secret values stay encrypted.
 */
export function readStackFile(path: string): RawConfig {
  const doc = (readYaml(path) ?? {}) as { config?: Record<string, unknown> };
  const config = doc.config ?? {};
  const values: Record<string, unknown> = Object.fromEntries(Object.entries(projectDefaults()).filter(([k]) => !(SECRET_KEYS as readonly string[]).includes(k)));
  const secrets = noSecrets();
  const plaintextSecrets: string[] = [];
  let awsRegion: string | undefined;
  const problems: SettingsProblem[] = [];
  for (const [full, value] of Object.entries(config)) {
    if (full === "aws:region") {
      awsRegion = String(value);
      continue;
    }
    if (!full.startsWith(`${PROJECT}:`)) continue; // provider settings such as docker:host belong to their providers
    const bare = full.slice(PROJECT.length + 1);
    if ((SECRET_KEYS as readonly string[]).includes(bare)) {
      presence(bare as SecretKey, value, secrets, plaintextSecrets, problems);
    } else values[bare] = value;
  }
  if (problems.length > 0) throw new SettingsError(path, problems);
  return { values, secrets, plaintextSecrets, awsRegion };

  function presence(k: SecretKey, value: unknown, into: SecretPresence, plain: string[], out: SettingsProblem[]) {
    if (k === "slackWebhooks") {
      if (value === null || typeof value !== "object" || isSecure(value)) {
        out.push({ key: `${PROJECT}:slackWebhooks`, value: "(hidden)", message: "must map team ids to secret webhook URLs (pulumi config set --secret --path slackWebhooks.<team> <url>)" });
        return;
      }
      for (const [id, v] of Object.entries(value)) {
        into.slackWebhooks.push(id);
        if (!isSecure(v)) plain.push(`slackWebhooks.${id}`);
      }
      return;
    }
    into[k] = true;
    if (!isSecure(value)) plain.push(k);
  }
}

/** Loads and validates a stack file in one step (render, tests, tools). */
export function loadStackFile(path: string, options: ParseOptions = { requireSecrets: false }): Settings {
  return parseSettings(readStackFile(path), path, options);
}
