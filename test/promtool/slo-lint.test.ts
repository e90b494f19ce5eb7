import * as assert from "node:assert/strict";
import * as path from "node:path";
import { FILES } from "../../monitoring/layout";
import { RULE_FILES } from "../../monitoring/conventions";
import { renderTo, settingsOf, tool } from "../helpers/tools";

describe("SLO rules: promtool check rules --lint", () => {
  for (const stack of ["dev", "prod"]) {
    it(`the rendered ${stack} slos.yml is valid and lint-clean`, () => {
      const file = path.join(renderTo(settingsOf(stack)), FILES.rule(RULE_FILES.slos));
      const r = tool("promtool", ["check", "rules", "--lint=all", "--lint-fatal", file]);
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /SUCCESS: \d+ rules found/);
    });
  }
});
