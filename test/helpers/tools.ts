// Real Prometheus tools for tests: render a stack into a temporary folder and run promtool,
// amtool, prometheus or alertmanager on it.
import { spawn, spawnSync } from "node:child_process";
import * as path from "node:path";
import { writeTree } from "../../local/write-tree";
import { renderFiles } from "../../monitoring/files";
import { RenderOptions } from "../../monitoring/layout";
import { loadStackFile, parseSettings, readStackFile, Settings } from "../../settings";
import { ROOT, stackFile } from "./pulumi-program";
import { tmpDir } from "../../tools/temporary";

export const settingsOf = (stack: string): Settings => loadStackFile(stackFile(stack));

/**
 * A stack's settings with top-level keys overridden, through the loader: an object override is
 * merged into the stack file's object one level deep, anything else replaces it.
 */
export function settingsWith(stack: string, overrides: Record<string, unknown>): Settings {
  const raw = readStackFile(stackFile(stack));
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
  const values = { ...raw.values };
  for (const [k, v] of Object.entries(overrides)) values[k] = isObject(v) && isObject(values[k]) ? { ...values[k], ...v } : v;
  return parseSettings({ ...raw, values }, `${stack} (test variant)`, { requireSecrets: false });
}

/** A committed stack file's services as written (for variants that change some of their keys). */
export const stackServices = (stack: string): Record<string, unknown>[] => readStackFile(stackFile(stack)).values.services as Record<string, unknown>[];

export { tmpDir } from "../../tools/temporary";

/** Renders settings into a fresh temporary folder and returns it. */
export function renderTo(settings: Settings, options?: RenderOptions): string {
  const dir = tmpDir();
  writeTree(dir, renderFiles(settings, options));
  return dir;
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a tool to completion; throws when it is not installed (CI installs it). */
export function tool(bin: string, args: string[], opts: { cwd?: string; input?: string; timeoutMs?: number } = {}): ToolResult {
  const r = spawnSync(bin, args, { cwd: opts.cwd, input: opts.input, encoding: "utf8", timeout: opts.timeoutMs ?? 60_000 });
  if (r.error) throw new Error(`${bin} could not run (${r.error.message}); install it with: apt-get install -y prometheus prometheus-alertmanager`);
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs a command of cli/ (`npm run <name> -- args`) to its end: exit code and everything it
 * printed. Async, so a server the command talks to can keep answering from this process.
 */
export function runCli(name: string, ...args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "cli", `${name}.ts`), ...args], { cwd: ROOT });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => resolve({ code, out }));
  });
}
