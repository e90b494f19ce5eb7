// Temporary folders for tests and tools: each one is removed when the test file that made it
// ends (a mocha root hook, see .mocharc.json) and, whatever happens, when the process exits.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const made = new Set<string>();

export function removeTemporaryFolders(): void {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  made.clear();
}

process.once("exit", removeTemporaryFolders);

/** A fresh folder under the system's temporary folder, removed for the caller. */
export function tmpDir(prefix = "ananta-test-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Mocha root hooks: in parallel mode they run once per test file. */
export const mochaHooks = { afterAll: removeTemporaryFolders };
