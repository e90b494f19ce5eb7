// Every command answers --help (and -h) with its usage and what it does, exits 0, and does nothing
// else: no stack read, no file written, no process started.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "../helpers/pulumi-program";

const COMMANDS = fs.readdirSync(path.join(ROOT, "cli")).filter((f) => f.endsWith(".ts") && !["args.ts", "local-dir.ts"].includes(f));

describe("command-line help", function () {
  this.timeout(60_000);
  it("covers every command in cli/", () => {
    assert.deepEqual(COMMANDS.sort(), ["bench.ts", "doctor.ts", "gate.ts", "import.ts", "local.ts", "render.ts", "report.ts", "test-alert.ts", "validate.ts"]);
  });

  for (const file of COMMANDS) {
    const name = file.replace(/\.ts$/, "");
    it(`npm run ${name} -- --help prints its usage and options and exits 0`, () => {
      // -h is the same option of cli/args.ts's runMain: checked on one command, it holds for all.
      for (const flag of file === "report.ts" ? ["--help", "-h"] : ["--help"]) {
        const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "cli", file), flag], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, new RegExp(`^usage: npm run ${name}\\b`));
        assert.match(r.stdout, /--help, -h/);
        assert.equal(r.stderr, "");
      }
    });
  }
});
