// The Docker engine the Docker test runs against, through the `docker` CLI. `.ci/run` installs
// docker.io and starts dockerd when no engine answers; without one the test fails and says so.
import { spawn } from "node:child_process";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `docker ARGS` (stdin from `input`); throws with its output on a non-zero exit unless allowed. */
export function docker(args: string[], options: { input?: Buffer | string; allowFailure?: boolean } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn("docker", args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const run = { code: code ?? -1, stdout, stderr };
      if (run.code !== 0 && !options.allowFailure) reject(new Error(`docker ${args.slice(0, 3).join(" ")} exited ${run.code}: ${(stderr || stdout).trim()}`));
      else resolve(run);
    });
    child.stdin.end(options.input ?? "");
  });
}

/** Whether an engine answers; the reason when none does. */
export async function engine(): Promise<{ ok: true; version: string } | { ok: false; why: string }> {
  try {
    const r = await docker(["version", "--format", "{{.Server.Version}}"], { allowFailure: true });
    return r.code === 0 ? { ok: true, version: r.stdout.trim() } : { ok: false, why: r.stderr.trim() };
  } catch (err) {
    return { ok: false, why: (err as Error).message };
  }
}

/** `docker inspect` of one object, parsed. */
export async function inspect<T = Record<string, unknown>>(name: string): Promise<T> {
  return (JSON.parse((await docker(["inspect", name])).stdout) as T[])[0];
}

/**
 * Removes what an earlier run of the test left behind when it was killed before its cleanup:
 * containers and networks labelled ananta.test=t<pid> whose process is gone.
 */
export async function removeStale(): Promise<void> {
  const gone = (label: string) => {
    const pid = Number(label.replace(/^t/, ""));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    try {
      process.kill(pid, 0);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === "ESRCH";
    }
  };
  const list = async (kind: "ps" | "network ls" | "volume ls", format: string) =>
    (await docker([...kind.split(" "), ...(kind === "ps" ? ["--all"] : []), "--filter", "label=ananta.test", "--format", format], { allowFailure: true })).stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(" "))
      .filter(([, label]) => label && gone(label))
      .map(([id]) => id);
  const containers = await list("ps", '{{.ID}} {{.Label "ananta.test"}}');
  if (containers.length > 0) await docker(["rm", "--force", ...containers], { allowFailure: true });
  for (const kind of ["volume ls", "network ls"] as const) {
    const ids = await list(kind, kind === "volume ls" ? '{{.Name}} {{.Label "ananta.test"}}' : '{{.ID}} {{.Label "ananta.test"}}');
    if (ids.length > 0) await docker([kind.split(" ")[0], "rm", ...ids], { allowFailure: true });
  }
}
