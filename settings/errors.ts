/**
 * What a problem is about: the schema (a value of the wrong shape, an unknown key), a template
 * delimiter, a secret (written in plaintext, missing, or for nothing), or the concern of one
 * cross-key check (settings/checks/). Readers act on codes, never on message text.
 */
export type ProblemCode =
  | "schema"
  | "unknown-key"
  | "template"
  | "plaintext-secret"
  | "missing-secret"
  | "secrets"
  | "planes"
  | "services"
  | "slo"
  | "routing"
  | "ha"
  | "docker"
  | "alerts"
  | "aws"
  | "rules";

/** One problem in the configuration: where, what was given, and what is allowed. */
export interface SettingsProblem {
  code: ProblemCode;
  key: string;
  value: unknown;
  message: string;
}

/** A value as a message quotes it: JSON, cut to 80 characters (a stack or imported file may hold a 1 MB value, or nest too deep to serialise). */
export const show = (value: unknown): string => {
  if (value === undefined) return "(not set)";
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    text = Array.isArray(value) ? "an array" : "an object";
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/** The command that sets a secret key (`--path` for a key inside a map, e.g. slackWebhooks.critical). */
export const setSecretCommand = (key: string): string => `pulumi config set --secret ${key.includes(".") ? `--path ${key}` : key} <value>`;

/** Every configuration problem found, reported at once, before any resource is registered. */
export class SettingsError extends Error {
  constructor(
    readonly source: string,
    readonly problems: SettingsProblem[],
  ) {
    super(
      `Invalid configuration in ${source} (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p.key} = ${show(p.value)}: ${p.message}`).join("\n"),
    );
    this.name = "SettingsError";
  }
}

/** A stack file that cannot be read as YAML at all: one line naming the file, line and column. */
export class StackFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly position?: { line: number; col: number },
  ) {
    super(`${file}${position ? `:${position.line}:${position.col}` : ""}: ${problem}`);
    this.name = "StackFileError";
  }
}
