// Runs promtool and amtool: the local binaries when installed, else the official images through
// a Docker engine (the folders the tools read are mounted read-only at the same paths).
import { spawnSync } from "node:child_process";
import type { Settings } from "../settings";
import { MissingBinaryError, findBinary } from "./processes";

export type Tool = "promtool" | "amtool";

export interface ToolResult {
  code: number;
  output: string;
}

export interface ToolRunner {
  /** How the tools run, for the report: "local binaries" or "docker (<images>)". */
  how: string;
  run(tool: Tool, args: string[]): ToolResult;
}

const IMAGE_OF: Record<Tool, "prometheus" | "alertmanager"> = { promtool: "prometheus", amtool: "alertmanager" };

/** The command line that runs a tool: local binary, or `docker run` of the stack's pinned image. */
export function toolCommand(tool: Tool, args: string[], via: { local: string } | { docker: string; mounts: string[]; settings: Settings }): string[] {
  if ("local" in via) return [via.local, ...args];
  const image = via.settings.docker.images[IMAGE_OF[tool]];
  return [via.docker, "run", "--rm", "--network=none", ...via.mounts.flatMap((m) => ["-v", `${m}:${m}:ro`]), "--entrypoint", `/bin/${tool}`, image, ...args];
}

const run = (argv: string[]): ToolResult => {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", timeout: 120_000 });
  return { code: r.error ? -1 : (r.status ?? -1), output: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}`.trim() };
};

function optional(name: string): string | undefined {
  try {
    return findBinary(name);
  } catch (err) {
    if (err instanceof MissingBinaryError) return undefined;
    throw err;
  }
}

/** Local binaries first; a running Docker engine second; otherwise an error saying how to install. */
export function toolRunner(settings: Settings, mounts: string[]): ToolRunner {
  const promtool = optional("promtool");
  const amtool = optional("amtool");
  if (promtool && amtool) {
    return { how: "local binaries", run: (tool, args) => run(toolCommand(tool, args, { local: tool === "promtool" ? promtool : amtool })) };
  }
  const docker = optional("docker");
  if (docker && run([docker, "info", "--format", "{{.ServerVersion}}"]).code === 0) {
    return {
      how: `docker (${settings.docker.images.prometheus}, ${settings.docker.images.alertmanager})`,
      run: (tool, args) => run(toolCommand(tool, args, { docker, mounts, settings })),
    };
  }
  throw new MissingBinaryError(promtool ? "amtool" : "promtool", "; or start a Docker engine to use the official images");
}
