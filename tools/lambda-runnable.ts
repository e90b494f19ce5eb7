// Writes a forwarder bundle where it can be required the way Lambda runs it: a lone index.js
// whose only outside imports (@aws-sdk/*) resolve, as the nodejs22.x runtime provides them.
import * as fs from "node:fs";
import * as path from "node:path";
import { tmpDir } from "./temporary";

const REPO = path.resolve(__dirname, "..");

/** A fresh temporary folder in which the repository's packages resolve (removed at exit). */
export function runnableDir(name: string): string {
  const dir = tmpDir(`ananta-forwarder-${name}-`);
  fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

/** The path of the written index.js; the caller removes `dir` when done. */
export function writeRunnable(code: string, name: string): { dir: string; file: string } {
  const dir = runnableDir(name);
  const file = path.join(dir, "index.js");
  fs.writeFileSync(file, code);
  return { dir, file };
}
