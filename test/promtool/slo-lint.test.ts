import * as assert from "node:assert/strict";
import * as path from "node:path";
import { FILES } from "../../monitoring/layout";
import { RULE_FILES } from "../../monitoring/conventions";
import { sloRuleGroups } from "../../monitoring/slo";
import { slosOf } from "../../monitoring/slo/objectives";
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

describe("SLO rules: what they record", () => {
  for (const stack of ["dev", "prod"]) {
    it(`records at most 15 series per SLO on the ${stack} stack (Sloth's count), plane roll-ups included`, () => {
      const settings = settingsOf(stack);
      const groups = sloRuleGroups(settings);
      const records = groups.flatMap((g) => g.rules).filter((r) => "record" in r);
      const slos = slosOf(settings).length;
      assert.ok(records.length / slos <= 15, `${records.length} records for ${slos} SLOs`);
      // Every SLO's own series carry its slo label; no two rules record one series twice.
      const keys = records.map((r) => `${(r as { record: string }).record}${JSON.stringify((r as { labels?: object }).labels ?? {})}`);
      assert.equal(new Set(keys).size, keys.length);
    });
  }
});
