// amtool check-config accepts the generated Alertmanager config and templates of every stack.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { renderTo, settingsOf, tool } from "../helpers/tools";
import { configIn } from "./amtool";
import { STACKS } from "./stacks";

describe("amtool check-config", () => {
  for (const stack of STACKS) {
    it(`passes for the ${stack} stack, templates included`, () => {
      const dir = renderTo(settingsOf(stack));
      const templates = fs.readdirSync(path.join(dir, "alertmanager/templates")).filter((f) => f.endsWith(".tmpl"));
      assert.ok(templates.length > 0, "no template rendered");
      const r = tool("amtool", ["check-config", configIn(dir)]);
      assert.equal(r.code, 0, `amtool check-config failed:\n${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, new RegExp(`- ${templates.length} templates`), r.stdout);
    });
  }
});
