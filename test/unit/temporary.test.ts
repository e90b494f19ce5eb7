// Tests leave nothing in the temporary folder: a test file's folders are gone once it ends.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "../helpers/pulumi-program";

describe("temporary folders of tests", () => {
  it("are removed when the test file that made them ends", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/mocha/bin/mocha.js"), "--no-parallel", path.join(ROOT, "test/fixtures/cleanup/makes-folders.spec.ts")], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const made = JSON.parse(/MADE (.*)/.exec(r.stdout)![1]) as string[];
    assert.equal(made.length, 2);
    for (const dir of made) assert.equal(fs.existsSync(dir), false, `${dir} was left behind`);
  });
});
