// Real prometheus / prometheus-alertmanager processes: find the binary, start it, wait until
// it answers, and stop it (SIGTERM, then SIGKILL) so that nothing outlives the pipeline.
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type ApiAccess, apiFetch } from "../tools/prometheus-api";

export const INSTALL_HINT = "apt-get install -y prometheus prometheus-alertmanager";
/** Binaries of other packages, by the command that installs them. */
const INSTALL: Record<string, string> = { openssl: "apt-get install -y openssl" };

export class MissingBinaryError extends Error {
  constructor(
    readonly binary: string,
    alternative = "",
  ) {
    super(`${binary} is not installed (not found on PATH); install it with: ${INSTALL[binary] ?? INSTALL_HINT}${alternative}`);
    this.name = "MissingBinaryError";
  }
}

/** The absolute path of an executable on PATH, or a MissingBinaryError naming the install command. */
export function findBinary(name: string, searchPath = process.env.PATH ?? ""): string {
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new MissingBinaryError(name);
}

const LOG_LIMIT = 64 * 1024;

let setpriv: string | null | undefined;
/** setpriv, when installed (Debian's util-linux always is): it sets the parent-death signal and execs the binary. */
function deathSignal(): string | null {
  if (setpriv === undefined) {
    try {
      setpriv = findBinary("setpriv");
    } catch {
      setpriv = null;
    }
  }
  return setpriv;
}

export class ManagedProcess {
  private readonly child: ChildProcess;
  private output = "";
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    binary: string,
    args: string[],
    cwd?: string,
  ) {
    // Through setpriv (util-linux), the child gets SIGTERM when this process dies, even of a SIGKILL.
    const pdeath = deathSignal();
    this.child = pdeath ? spawn(pdeath, ["--pdeathsig", "TERM", binary, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] }) : spawn(binary, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-LOG_LIMIT);
    };
    this.child.stdout?.on("data", keep);
    this.child.stderr?.on("data", keep);
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => resolve(code ?? (signal ? -1 : null)));
      this.child.once("error", (err) => {
        keep(Buffer.from(String(err)));
        resolve(-1);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines the process printed, for error messages. */
  logTail(lines = 20): string {
    return this.output.trimEnd().split("\n").slice(-lines).join("\n");
  }

  /** Polls url until it answers 2xx; fails early when the process exits. */
  async waitReady(url: string, timeoutMs = 30_000, access: ApiAccess = {}): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited before it was ready:\n${this.logTail()}`);
      try {
        const res = await apiFetch(url, access, { timeoutMs: 1000 });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${this.name} was not ready at ${url} after ${timeoutMs} ms:\n${this.logTail()}`);
  }

  /** SIGTERM (or `signal`), then SIGKILL after graceMs; resolves once the process is gone. */
  async stop(graceMs = 5000, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
