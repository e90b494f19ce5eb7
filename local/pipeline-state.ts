// Where a running local pipeline listens, recorded in its folder so that other commands
// (npm run test-alert) find it without being told its random ports.
import * as fs from "node:fs";
import * as path from "node:path";

export interface PipelineState {
  /** The `npm run local` process; a state whose process is gone is stale. */
  pid: number;
  stackFile: string;
  prometheusUrl: string;
  alertmanagerUrl: string;
  controlUrl: string;
  /** Process data (TSDB, notification log), removed when the pipeline stops. */
  dataDir: string;
  /** HA: the 0400 file holding the API user's password (the value is never written here). */
  apiPasswordFile?: string;
  /** HA: the CA the APIs' certificates chain to. */
  apiCaFile?: string;
}

export const stateFile = (dir: string): string => path.join(dir, "pipeline.json");

export function writePipelineState(dir: string, state: PipelineState): void {
  fs.writeFileSync(stateFile(dir), `${JSON.stringify(state, null, 2)}\n`);
}

export function removePipelineState(dir: string): void {
  fs.rmSync(stateFile(dir), { force: true });
}

/** Whether a process with this pid runs (EPERM: it runs, as another user). */
export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** The state of the pipeline running from `dir`, or why there is none. */
export function readPipelineState(dir: string): { state: PipelineState } | { none: string } {
  const file = stateFile(dir);
  let state: PipelineState;
  try {
    state = JSON.parse(fs.readFileSync(file, "utf8")) as PipelineState;
  } catch {
    return { none: `no local pipeline is running (${file} not found)` };
  }
  if (!Number.isInteger(state.pid) || !alive(state.pid)) return { none: `the local pipeline recorded in ${file} (pid ${state.pid}) is no longer running` };
  return { state };
}
