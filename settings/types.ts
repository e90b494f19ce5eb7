// What the loader reads (RawConfig) and what it returns (Settings): every reader of configuration
// holds one read-only Settings object.
import type { Calendar } from "./calendar";
import type { MaintenanceWindow } from "./maintenance";
import { EventsSlo, LatencySlo, RawSettings, Severity, TeamId, TimesliceSlo } from "./schema";

/** An SLO's burn-rate tiers (by long window) turned off or given their own severity. */
export type Tiers = Record<string, false | { severity: Severity }>;

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
  availability: { objective: number; periodDays: number; tiers?: Tiers; calendar?: Calendar } | false;
  latency: (LatencySlo & { periodDays: number; metric: string; calendar?: Calendar })[];
  events: (EventsSlo & { periodDays: number; calendar?: Calendar })[];
  timeslices: (TimesliceSlo & { periodDays: number; calendar?: Calendar })[];
}

export type ResolvedService = Omit<RawSettings["services"][number], "job" | "slo"> & {
  job: string;
  slo: ResolvedSlos;
  /** The maintenance windows (slo.maintenance) that cover it. */
  maintenance: MaintenanceWindow[];
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

export interface ParseOptions {
  /**
   * Fail when a secret the stack needs is not set. The Pulumi program always checks; readers
   * of a stack file (render, tools) may not, since a committed stack file may hold no secrets.
   */
  requireSecrets?: boolean;
}
