// Every alerts.* setting reaches the rendered files: with each key set to a value of its own,
// that value appears in the tree, and the rules stay lint-clean under promtool.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { RULE_FILES } from "../../monitoring/conventions";
import { renderFiles } from "../../monitoring/files";
import { FILES } from "../../monitoring/layout";
import { renderTo, settingsOf, settingsWith, tool } from "../helpers/tools";

const defaults = settingsOf("dev").alerts;

/**
 * A distinct value per key, of the key's kind, increasing in key order (so criticalErrorRatio >
 * highErrorRatio holds); ratios end in an odd digit, so none is a prefix of another.
 */
const overrides: Record<string, string | number> = Object.fromEntries(
  Object.entries(defaults).map(([key, value], i) => {
    if (typeof value === "string") return [key, `${41 + i}m`];
    return [key, value < 1 ? Number((0.0101 + i * 0.0002).toFixed(4)) : 100.25 + i];
  }),
);

// The HA stack's own alerts read some keys (peerDownFor): both shapes of the stack are rendered.
const HA = { host: undefined, hosts: ["a", "b"].map((name, i) => ({ name, host: `ssh://ops@mon-${name}`, address: `10.0.0.${i + 1}` })) };

describe("alerts.* settings", () => {
  const variants = [settingsWith("dev", { alerts: overrides }), settingsWith("dev", { alerts: overrides, docker: HA })];
  let text: string;
  before(() => {
    text = variants.flatMap((settings) => Object.values(renderFiles(settings))).join("\n");
  });

  for (const [key, value] of Object.entries(overrides)) {
    it(`alerts.${key} = ${value} reaches the rendered files`, () => {
      assert.ok(text.includes(String(value)), `alerts.${key} = ${value} appears nowhere in the rendered files`);
    });
  }

  it("keep the alert rules lint-clean under promtool with every key changed", () => {
    for (const settings of variants) {
      const dir = renderTo(settings);
      try {
        const files = [RULE_FILES.critical, RULE_FILES.warnings].map((f) => path.join(dir, FILES.rule(f)));
        const r = tool("promtool", ["check", "rules", "--lint=all", "--lint-fatal", ...files]);
        assert.equal(r.code, 0, r.stdout + r.stderr);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
