// AMP's rule groups namespaces through the real promtool: each is a rule file Prometheus accepts,
// whole or cut into parts to fit AMP's quota, and together they hold every generated rule.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ruleNamespaces } from "../../monitoring/amp/rule-namespaces";
import { ruleFiles } from "../../monitoring/files";
import { settingsOf, settingsWith, tmpDir, tool } from "../helpers/tools";

const rulesIn = (text: string): number => Number(/SUCCESS: (\d+) rules found/.exec(text)?.[1] ?? NaN);

describe("AMP rule namespaces: promtool check rules", () => {
  const settings = settingsWith("prod", { aws: { ...settingsOf("prod").aws, amp: { enabled: true } } });
  const files = ruleFiles(settings);

  for (const [what, max] of [["as deployed", undefined], ["cut into parts of 20 kB", 20_000]] as const) {
    it(`accepts every namespace ${what}, and they hold as many rules as the rule files`, () => {
      const dir = tmpDir("ananta-amp-rules-");
      const write = (name: string, text: string) => {
        const file = path.join(dir, `${name}.yml`);
        fs.writeFileSync(file, text);
        return file;
      };
      const namespaces = ruleNamespaces(files, max).map((n) => write(`ns-${n.name}`, n.data));
      const originals = Object.entries(files).map(([name, text]) => write(`file-${name}`, text));
      const checked = tool("promtool", ["check", "rules", ...namespaces]);
      assert.equal(checked.code, 0, `${checked.stdout}\n${checked.stderr}`);
      const count = (out: string) => out.split("\n").filter((l) => l.startsWith("SUCCESS")).map(rulesIn).reduce((a, b) => a + b, 0);
      assert.equal(count(checked.stdout), count(tool("promtool", ["check", "rules", ...originals]).stdout));
    });
  }
});
