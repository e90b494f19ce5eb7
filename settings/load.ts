// The one settings loader: every reader of configuration (the Pulumi program, `render`,
// tests, the local pipeline) turns raw config values into Settings here.
import * as fs from "node:fs";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { z } from "zod";
import { SettingsError, SettingsProblem, StackFileError } from "./errors";
import {
  LatencySlo,
  PROJECT,
  RawSettings,
  SECRET_KEYS,
  SLACK_CHANNEL_IDS,
  SecretKey,
  SlackChannelId,
  settingsSchema,
} from "./schema";

/** Which secrets the stack has set. Values never pass through here. */
export interface SecretPresence {
  pagerdutyKey: boolean;
  slackWebhooks: SlackChannelId[];
  smtpPassword: boolean;
  grafanaAdminPassword: boolean;
}

/** A stack with no secret set (a fresh object: readers add to it). */
export const noSecrets = (): SecretPresence => ({ pagerdutyKey: false, slackWebhooks: [], smtpPassword: false, grafanaAdminPassword: false });

export type ResolvedService = Omit<RawSettings["services"][number], "job" | "slo"> & {
  job: string;
  slo: { availability: { objective: number }; latency: LatencySlo[] };
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
        problems.push({ key: key(path), value: valueAt(values, path), message: "is not a known setting (see the configuration reference in README.md)" });
      }
      continue;
    }
    const value = valueAt(values, issue.path);
    const message = issue.code === "invalid_type" && value === undefined ? "is required" : issue.message;
    problems.push({ key: key(issue.path), value, message });
  }
  return problems;
}

/** Checks across keys and against the secrets the stack has set. */
function crossProblems(s: RawSettings, raw: RawConfig, requireSecrets: boolean): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const seen = new Map<string, number>();
  const jobs = new Map<string, number>();
  s.services.forEach((svc, i) => {
    const first = seen.get(svc.name);
    if (first !== undefined) {
      problems.push({ key: key(["services", i, "name"]), value: svc.name, message: `duplicates services[${first}]; service names must be unique` });
    } else seen.set(svc.name, i);
    const job = svc.job ?? `${svc.plane}-plane-${svc.name}`;
    const firstJob = jobs.get(job);
    if (firstJob !== undefined && first === undefined) {
      problems.push({ key: key(["services", i, "job"]), value: job, message: `duplicates the job of services[${firstJob}]; scrape jobs must be unique` });
    } else jobs.set(job, i);
    const latency = svc.slo?.latency ?? s.slo.latency;
    const names = new Set<string>();
    latency.forEach((l, j) => {
      if (names.has(l.name)) {
        const path = svc.slo?.latency ? ["services", i, "slo", "latency", j, "name"] : ["slo", "latency", j, "name"];
        problems.push({ key: key(path), value: l.name, message: "duplicates another latency SLO name; names must be unique per service" });
      }
      names.add(l.name);
    });
  });
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

  const need = (secret: string, present: boolean, why: string) => {
    if (requireSecrets && !present && !problems.some((p) => p.key === `${PROJECT}:${secret}`)) {
      problems.push({
        key: `${PROJECT}:${secret}`,
        value: undefined,
        message: `is required ${why}; set it with: pulumi config set --secret ${secret.includes(".") ? `--path ${secret}` : secret} <value>`,
      });
    }
  };
  const n = s.notifications;
  const production = n.mode === "production";
  if (production && n.pagerduty.enabled) need("pagerdutyKey", raw.secrets.pagerdutyKey, "when notifications.pagerduty.enabled is true");
  if (production) {
    for (const id of SLACK_CHANNEL_IDS) {
      if (n.slack[id].enabled) need(`slackWebhooks.${id}`, raw.secrets.slackWebhooks.includes(id), `for Slack channel ${n.slack[id].channel} (notifications.slack.${id}.enabled is true)`);
    }
  }
  if (n.email.enabled && n.email.username) need("smtpPassword", raw.secrets.smtpPassword, "when notifications.email.username is set");
  if (n.email.enabled && !n.email.to.oncall) {
    problems.push({ key: key(["notifications", "email", "to", "oncall"]), value: undefined, message: "is required when notifications.email.enabled is true" });
  }
  if (s.aws.enabled) {
    if (!raw.awsRegion) problems.push({ key: "aws:region", value: undefined, message: "is required when aws.enabled is true (e.g. us-east-1)" });
    need("pagerdutyKey", raw.secrets.pagerdutyKey, "when aws.enabled is true (the PagerDuty forwarder Lambda)");
    for (const id of new Set(Object.values(s.aws.topicChannels))) {
      if (!(production && n.slack[id].enabled)) need(`slackWebhooks.${id}`, raw.secrets.slackWebhooks.includes(id), `when aws.enabled is true (the Slack forwarder posts to ${n.slack[id].channel})`);
    }
    if (s.aws.ecs.services.length > 0 && !s.aws.ecs.clusterName) {
      problems.push({ key: key(["aws", "ecs", "clusterName"]), value: undefined, message: "is required when aws.ecs.services is not empty" });
    }
  }
  return problems;
}

function resolveServices(s: RawSettings): ResolvedService[] {
  return s.services.map(({ job, slo, ...svc }) => ({
    ...svc,
    job: job ?? `${svc.plane}-plane-${svc.name}`,
    slo: {
      availability: slo?.availability ?? s.slo.availability,
      latency: slo?.latency ?? s.slo.latency,
    },
  }));
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
export function parseSettings(raw: RawConfig, source = "configuration", { requireSecrets = true }: ParseOptions = {}): Settings {
  const plaintext = (raw.plaintextSecrets ?? []).map((k) => ({
    key: `${PROJECT}:${k}`,
    value: "(hidden)",
    message: `is a secret written in plaintext; set it with: pulumi config set --secret ${k.includes(".") ? `--path ${k}` : k} <value>`,
  }));
  const result = settingsSchema.safeParse(raw.values);
  if (!result.success) throw new SettingsError(source, [...schemaProblems(raw.values, result.error), ...plaintext]);
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

/** Reads a Pulumi stack file (`Pulumi.<stack>.yaml`) into raw config. Secret values stay encrypted. */
export function readStackFile(path: string): RawConfig {
  const doc = (readYaml(path) ?? {}) as { config?: Record<string, unknown> };
  const config = doc.config ?? {};
  const values: Record<string, unknown> = {};
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
        out.push({ key: `${PROJECT}:slackWebhooks`, value: "(hidden)", message: `must map Slack channel ids (${SLACK_CHANNEL_IDS.join(", ")}) to secret webhook URLs` });
        return;
      }
      for (const [id, v] of Object.entries(value)) {
        if (!(SLACK_CHANNEL_IDS as readonly string[]).includes(id)) {
          out.push({ key: `${PROJECT}:slackWebhooks.${id}`, value: id, message: `is not a Slack channel id; allowed: ${SLACK_CHANNEL_IDS.join(", ")}` });
        } else {
          into.slackWebhooks.push(id as SlackChannelId);
          if (!isSecure(v)) plain.push(`slackWebhooks.${id}`);
        }
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
