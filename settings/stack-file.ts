// Reading a Pulumi stack file (Pulumi.<stack>.yaml) into raw config, as `render`, the tools and
// the tests do; the Pulumi program reads pulumi.Config instead (pulumi-config.ts).
import * as fs from "node:fs";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { SettingsError, SettingsProblem, StackFileError } from "./errors";
import { parseSettings } from "./load";
import { PROJECT, projectDefaults } from "./project";
import { SECRET_KEYS, SecretKey } from "./schema";
import { ParseOptions, RawConfig, SecretPresence, Settings, noSecrets } from "./types";

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

/** Records a secret key as present, and as plaintext where its value is not encrypted. */
function presence(k: SecretKey, value: unknown, into: SecretPresence, plain: string[], out: SettingsProblem[]): void {
  if (k === "slackWebhooks") {
    if (value === null || typeof value !== "object" || isSecure(value)) {
      out.push({ code: "secrets", key: `${PROJECT}:slackWebhooks`, value: "(hidden)", message: "must map team ids to secret webhook URLs (pulumi config set --secret --path slackWebhooks.<team> <url>)" });
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
    if ((SECRET_KEYS as readonly string[]).includes(bare)) presence(bare as SecretKey, value, secrets, plaintextSecrets, problems);
    else values[bare] = value;
  }
  if (problems.length > 0) throw new SettingsError(path, problems);
  return { values, secrets, plaintextSecrets, awsRegion };
}

/** Loads and validates a stack file in one step (render, tests, tools). */
export function loadStackFile(path: string, options: ParseOptions = { requireSecrets: false }): Settings {
  return parseSettings(readStackFile(path), path, options);
}
