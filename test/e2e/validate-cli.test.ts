// npm run validate on real promtool/amtool: passes on the prod stack, fails naming the file
// when a rendered rule file is broken.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml, stringify } from "yaml";
import { ROOT } from "../../cli/args";
import { stackFile } from "../helpers/pulumi-program";
import { renderTo, settingsOf, tmpDir } from "../helpers/tools";

const validate = (...args: string[]) => {
  const r = spawnSync(process.execPath, ["-r", "tsx/cjs", path.join(ROOT, "cli/validate.ts"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
};

describe("npm run validate (real promtool and amtool)", () => {
  const trees: string[] = [];
  const rendered = () => {
    trees.push(renderTo(settingsOf("prod")));
    return trees[trees.length - 1];
  };
  after(() => trees.forEach((t) => fs.rmSync(t, { recursive: true, force: true })));

  it("passes on the prod stack and prints the table", () => {
    const { code, out } = validate("--stack", "prod");
    assert.equal(code, 0, out);
    assert.match(out, /promtool check rules\s+prometheus\/rules\/critical\.yml\s+PASS/);
    assert.match(out, /promtool test rules \(ServiceDown, Watchdog\)\s+\S.*PASS/);
    assert.match(out, /amtool routes: ServiceDown critical app\s+alertmanager\/alertmanager\.yml\s+PASS/);
    assert.match(out, /all checks passed/);
  });

  it("fails and names the file when a rule file is broken", () => {
    const tree = rendered();
    const file = path.join(tree, "prometheus/rules/critical.yml");
    fs.appendFileSync(file, "  - name: broken\n    rules:\n      - alert: Broken\n        expr: sum(rate(\n");
    const { code, out } = validate("--stack", "prod", "--tree", tree);
    assert.equal(code, 1, out);
    assert.match(out, /promtool check rules\s+prometheus\/rules\/critical\.yml\s+FAIL/);
    assert.match(out, /promtool check rules\s+prometheus\/rules\/warnings\.yml\s+PASS/);
    assert.match(out, /check\(s\) failed: prometheus\/rules\/critical\.yml/);
  });

  it("fails the routing table when a route no longer pages", () => {
    const tree = rendered();
    const file = path.join(tree, "alertmanager/alertmanager.yml");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("- receiver: pagerduty\n", "- receiver: slack-platform\n"));
    const { code, out } = validate("--stack", "prod", "--tree", tree);
    assert.equal(code, 1, out);
    assert.match(out, /amtool routes: ServiceDown critical app\s+alertmanager\/alertmanager\.yml\s+FAIL/);
  });

  it("checks AMP's Alertmanager definition instead of the stack's when aws.amp.enabled", () => {
    const doc = parseYaml(fs.readFileSync(stackFile("prod"), "utf8")) as { config: Record<string, Record<string, unknown>> };
    doc.config["ananta-monitoring:aws"].amp = { enabled: true };
    const file = path.join(tmpDir("ananta-validate-amp-"), "Pulumi.amp.yaml");
    fs.writeFileSync(file, stringify(doc));
    const { code, out } = validate("--config", file);
    assert.equal(code, 0, out);
    assert.match(out, /amtool check-config\s+AMP Alertmanager definition\s+PASS/);
    assert.match(out, /amtool routes: ServiceDown critical app\s+AMP Alertmanager definition\s+PASS/);
    assert.match(out, /amtool routes: ErrorBudgetExhausted warning control\s+AMP Alertmanager definition\s+PASS/);
    assert.doesNotMatch(out, /alertmanager\/alertmanager\.yml/);
  });
});
