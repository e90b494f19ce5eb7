// Reading and writing the committed golden copies (test/golden/<variant>/...).
import * as fs from "node:fs";
import * as path from "node:path";
import { GOLDEN_DIR } from "./snapshot";

const VARIANT_DIRS = ["dev", "prod", "prod-ha", "prod-amp"];

/** Every committed golden file, by path relative to GOLDEN_DIR. */
export function committedFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const variant of VARIANT_DIRS) {
    const dir = path.join(GOLDEN_DIR, variant);
    if (!fs.existsSync(dir)) continue;
    for (const d of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!d.isFile()) continue;
      const full = path.join(d.parentPath, d.name);
      out[path.relative(GOLDEN_DIR, full)] = fs.readFileSync(full, "utf8");
    }
  }
  return out;
}

/** Replaces the committed copies by `files`: stale ones removed, the rest written. */
export function writeGolden(files: Record<string, string>): void {
  for (const variant of VARIANT_DIRS) fs.rmSync(path.join(GOLDEN_DIR, variant), { recursive: true, force: true });
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(GOLDEN_DIR, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
}
