// docs/architecture.md maps every folder of source to the tests that prove it: a folder added
// without a row, or a test file named there that no longer exists, fails here.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "../helpers/pulumi-program";

const SOURCE_ROOTS = ["settings", "monitoring", "components", "lambdas", "policy", "local", "tools", "cli", "bench"];

describe("docs/architecture.md", () => {
  const doc = fs.readFileSync(path.join(ROOT, "docs/architecture.md"), "utf8");
  const rows = [...doc.matchAll(/^\| `([a-z/]+\/)` \|/gm)].map((m) => m[1]);

  it("has a row for every source folder holding TypeScript (subfolders under their parent's row unless they have their own)", () => {
    const covered = (dir: string) => rows.some((r) => `${dir}/`.startsWith(r));
    const folders: string[] = [];
    const walk = (dir: string) => {
      const entries = fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true });
      if (entries.some((e) => e.isFile() && e.name.endsWith(".ts"))) folders.push(dir);
      for (const e of entries) if (e.isDirectory() && e.name !== "node_modules") walk(`${dir}/${e.name}`);
    };
    for (const root of SOURCE_ROOTS) walk(root);
    assert.deepEqual(folders.filter((f) => !covered(f)), []);
  });

  it("names only test files and folders that exist", () => {
    const named = [...doc.matchAll(/`(test\/[^`*]+|bench\/[^`*]+)`/g)].map((m) => m[1]);
    assert.ok(named.length > 20);
    for (const n of named) assert.ok(fs.existsSync(path.join(ROOT, n)), n);
    for (const glob of [...doc.matchAll(/`(test\/promtool\/slo-\*\.test\.ts)`/g)].map((m) => m[1])) assert.ok(fs.readdirSync(path.join(ROOT, "test/promtool")).some((f) => f.startsWith("slo-")), glob);
  });
});
