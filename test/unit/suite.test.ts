// npm run test:unit lists the test folders longest-running first (mocha's parallel mode starts
// files in that order, so the long end-to-end files do not end the run alone): every test file
// must be under one of them, or it would never run.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "../helpers/pulumi-program";

describe("the test suite's file list", () => {
  it("covers every test file, each once", () => {
    const script = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts["test:unit"];
    const spec = [...script.matchAll(/'([^']+)'/g)].map((m) => m[1]);
    const folders = spec.map((s) => s.match(/^test\/([^/*]+)\/\*\*\/\*\.test\.ts$/)?.[1]);
    assert.ok(folders.every(Boolean), `every entry is test/<folder>/**/*.test.ts: ${spec.join(", ")}`);
    assert.equal(new Set(folders).size, folders.length, "no folder twice");
    const withTests = fs.readdirSync(path.join(ROOT, "test")).filter((d) => {
      const walk = (dir: string): boolean => fs.readdirSync(dir, { withFileTypes: true }).some((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith(".test.ts")));
      return fs.statSync(path.join(ROOT, "test", d)).isDirectory() && walk(path.join(ROOT, "test", d));
    });
    assert.deepEqual(withTests.sort(), [...folders].sort());
  });
});
