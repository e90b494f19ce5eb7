// Shared command-line handling: which stack's settings a command works on.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs, ParseArgsConfig } from "node:util";
import { loadStackFile, ParseOptions, Settings, SettingsError, StackFileError } from "../settings";

export const ROOT = path.resolve(__dirname, "..");

export const stackOptions = {
  stack: { type: "string", short: "s" },
  config: { type: "string", short: "c" },
} as const satisfies ParseArgsConfig["options"];

/** The stack file named by --config, or Pulumi.<--stack>.yaml at the project root. */
/** How a command reaches APIs behind the stack's credentials (HA, or a non-loopback bindAddress). */
export const apiOptions = {
  "password-file": { type: "string" },
  "ca-file": { type: "string" },
} as const satisfies ParseArgsConfig["options"];

export function stackFilePath(values: { stack?: string; config?: string }): string {
  if (values.config) return path.resolve(values.config);
  if (values.stack) {
    const file = path.join(ROOT, `Pulumi.${values.stack}.yaml`);
    if (!fs.existsSync(file)) {
      const stacks = fs.readdirSync(ROOT).flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? []);
      throw new UsageError(`--stack ${values.stack}: no stack file ${path.basename(file)}; stacks here: ${stacks.join(", ")}`);
    }
    return file;
  }
  throw new UsageError("name a stack with --stack <name> or a stack file with --config <file>");
}

export function settingsFromArgs(values: { stack?: string; config?: string }, options?: ParseOptions): Settings {
  return loadStackFile(stackFilePath(values), options);
}

export class UsageError extends Error {}

/** What --help prints: the usage line, then what the command does and its options. */
export const helpText = (usage: string, about: string): string => `usage: ${usage}\n\n${about.trim()}\n`;

/**
 * Runs a command's main, printing configuration and usage errors without a stack trace; `--help`
 * (or `-h`) anywhere prints the usage and `about` and exits 0.
 */
export function runMain(usage: string, main: (argv: string[]) => Promise<number | void> | number | void, about: string): void {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(helpText(usage, about));
    return;
  }
  Promise.resolve()
    .then(() => main(argv))
    .then((code) => {
      process.exitCode = code ?? 0;
    })
    .catch((err: unknown) => {
      if (err instanceof SettingsError || err instanceof StackFileError) console.error(err.message);
      else if (err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) console.error(`${(err as Error).message}\nusage: ${usage}`);
      else console.error(err);
      process.exitCode = 2;
    });
}

export { parseArgs };
