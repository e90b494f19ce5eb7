// The composite action other repositories call (.github/actions/error-budget-gate) runs the same
// gate with the same flags, and never puts the API password in an argument.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { ROOT } from "../helpers/pulumi-program";

describe("error-budget-gate action", () => {
  const action = parseYaml(fs.readFileSync(path.join(ROOT, ".github/actions/error-budget-gate/action.yml"), "utf8")) as {
    inputs: Record<string, { required?: boolean; default?: string }>;
    runs: { using: string; steps: { id?: string; run?: string; env?: Record<string, string> }[] };
  };
  const step = action.runs.steps.find((s) => s.id === "gate")!;
  const gateHelp = fs.readFileSync(path.join(ROOT, "cli/gate.ts"), "utf8");

  it("is a composite action with the gate's inputs, required where the gate requires them", () => {
    assert.equal(action.runs.using, "composite");
    assert.deepEqual(Object.keys(action.inputs).sort(), ["api-ca-certificate", "api-password", "change", "on-unknown", "override", "prometheus-url", "service"]);
    assert.equal(action.inputs["prometheus-url"].required, true);
    assert.equal(action.inputs.service.required, true);
    assert.equal(action.inputs.change.default, "normal");
    assert.equal(action.inputs["on-unknown"].default, "fail");
  });

  it("runs cli/gate.ts with flags the command has, the password through a file only", () => {
    assert.match(step.run!, /node --import tsx cli\/gate\.ts "\$\{args\[@\]\}"/);
    for (const flag of step.run!.match(/--[a-z-]+/g)!.filter((f) => f !== "--import")) assert.ok(gateHelp.includes(`${flag} `) || gateHelp.includes(`"${flag.slice(2)}"`), `${flag} is no flag of npm run gate`);
    assert.doesNotMatch(step.run!, /--password[^-]/, "no --password <value> argument");
    assert.match(step.run!, /umask 077; pw="\$\(mktemp\)"; printf '%s' "\$API_PASSWORD" > "\$pw"/);
    assert.match(step.run!, /printf '%s\\n' "\$API_CA" > "\$ca"; args\+=\(--ca-file "\$ca"\)/, "the CA through a file too");
    // Inputs reach the script as environment variables, never spliced into it (no injection through an input).
    assert.doesNotMatch(step.run!, /\$\{\{/);
  });
});
