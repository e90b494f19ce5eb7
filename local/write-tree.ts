import * as fs from "node:fs";
import * as path from "node:path";
import type { AmpAlertmanager } from "../monitoring/amp/alertmanager";
import type { FileTree } from "../monitoring/files";

/**
 * Writes a rendered tree under dir, first removing the top-level folders it owns so that no
 * stale rule file from an earlier render is picked up by a glob. Returns the paths written.
 */
export function writeTree(dir: string, tree: FileTree): string[] {
  const roots = new Set(Object.keys(tree).map((f) => f.split("/")[0]));
  for (const root of roots) fs.rmSync(path.join(dir, root), { recursive: true, force: true });
  for (const [file, content] of Object.entries(tree)) {
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  return Object.keys(tree);
}

/** AMP's Alertmanager definition as Alertmanager loads it: alertmanager.yml with its templates beside it. Returns the configuration's path. */
export function writeAmpAlertmanager(dir: string, am: AmpAlertmanager): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(am.templates)) fs.writeFileSync(path.join(dir, name), text);
  const file = path.join(dir, "alertmanager.yml");
  fs.writeFileSync(file, am.config);
  return file;
}
