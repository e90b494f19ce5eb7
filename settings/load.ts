// The one settings loader: every reader of configuration (the Pulumi program, `render`, tests,
// the local pipeline) turns raw config values into Settings here, in steps: template
// delimiters and secrets in plaintext, the schema (zod, with defaults), the checks across keys
// (checks/), then the services resolved and everything frozen. Every problem of a step is
// reported at once.
import { crossProblems } from "./checks";
import { setSecretCommand, SettingsError, SettingsProblem } from "./errors";
import { PROJECT } from "./project";
import { deepFreeze, resolveServices } from "./resolve";
import { settingsSchema } from "./schema";
import { schemaProblems, templateProblems } from "./schema-problems";
import { ParseOptions, RawConfig, Settings } from "./types";

/** Validates raw config, applies defaults and returns one read-only Settings object. */
export function parseSettings(raw: RawConfig, source = "configuration", { requireSecrets = true }: ParseOptions = {}): Settings {
  const plaintext: SettingsProblem[] = (raw.plaintextSecrets ?? []).map((k) => ({
    code: "plaintext-secret",
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
