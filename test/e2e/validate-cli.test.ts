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

/** The prod stack file as `pulumi config set --secret` leaves it: every secret a `secure:` value (but the teams left out). */
function prodWithSecrets(without: string[] = []): string {
  const doc = parseYaml(fs.readFileSync(stackFile("prod"), "utf8")) as { config: Record<string, unknown> };
  const secure = (name: string) => ({ secure: `v1:ZmFrZS1jaXBoZXJ0ZXh0LW9mLSR7bmFtZX0=${name}` });
  const teams = Object.entries(settingsOf("prod").notifications.teams).flatMap(([id, t]) => (t.slack && !without.includes(id) ? [id] : []));
  doc.config["ananta-monitoring:pagerdutyKey"] = secure("pd");
  doc.config["ananta-monitoring:smtpPassword"] = secure("smtp");
  doc.config["ananta-monitoring:slackWebhooks"] = Object.fromEntries(teams.map((id) => [id, secure(id)]));
  const file = path.join(tmpDir("ananta-validate-secrets-"), "Pulumi.prod.yaml");
  fs.writeFileSync(file, stringify(doc));
  return file;
}

describe("npm run validate (real promtool and amtool)", () => {
  const trees: string[] = [];
  const rendered = () => {
    trees.push(renderTo(settingsOf("prod")));
    return trees[trees.length - 1];
  };
  after(() => trees.forEach((t) => fs.rmSync(t, { recursive: true, force: true })));

  it("passes on the prod stack with its secrets set and prints the table and the counts", () => {
    const { code, out } = validate("--config", prodWithSecrets());
    assert.equal(code, 0, out);
    assert.match(out, /promtool check rules\s+prometheus\/rules\/critical\.yml\s+PASS/);
    assert.match(out, /promtool test rules \(ServiceDown, Watchdog\)\s+\S.*PASS/);
    assert.match(out, /amtool routes: ServiceDown critical app\s+alertmanager\/alertmanager\.yml\s+PASS/);
    assert.match(out, /secrets set\s+stack Pulumi\.prod\.yaml\s+PASS/);
    assert.match(out, /\n\d+ passed, 0 skipped, 0 failed\n/);
  });

  it("reads the secrets from the stack file without the Pulumi CLI: none set, or one webhook missing, fails naming them", () => {
    const none = validate("--stack", "prod");
    assert.equal(none.code, 1, none.out);
    assert.match(none.out, /secrets set\s+stack prod\s+FAIL\n\s+not set \(secure: values in Pulumi\.prod\.yaml\): pagerdutyKey, /);
    assert.match(none.out, /\n\d+ passed, 0 skipped, 1 failed\nfailing: stack prod\n/);
    assert.doesNotMatch(none.out, /SKIP/);
    const six = validate("--config", prodWithSecrets(["database"]));
    assert.equal(six.code, 1, six.out);
    assert.match(six.out, /not set \(secure: values in Pulumi\.prod\.yaml\): slackWebhooks\.database \(/);
  });

  it("fails and names the file when a rule file is broken", () => {
    const tree = rendered();
    const file = path.join(tree, "prometheus/rules/critical.yml");
    fs.appendFileSync(file, "  - name: broken\n    rules:\n      - alert: Broken\n        expr: sum(rate(\n");
    const { code, out } = validate("--config", prodWithSecrets(), "--tree", tree);
    assert.equal(code, 1, out);
    assert.match(out, /promtool check rules\s+prometheus\/rules\/critical\.yml\s+FAIL/);
    assert.match(out, /promtool check rules\s+prometheus\/rules\/warnings\.yml\s+PASS/);
    assert.match(out, /\n\d+ passed, 0 skipped, 2 failed\nfailing: prometheus\/rules\/critical\.yml, smoke\.test\.yml/);
  });

  it("quotes label values in its smoke test: a job with quotes and a backslash passes", () => {
    const doc = parseYaml(fs.readFileSync(stackFile("dev"), "utf8")) as { config: Record<string, unknown> };
    const services = doc.config["ananta-monitoring:services"] as Record<string, unknown>[];
    doc.config["ananta-monitoring:services"] = services.map((s, i) => (i === 0 ? { ...s, job: 'edge "blue" \\ green' } : s));
    const file = path.join(tmpDir("ananta-validate-quotes-"), "Pulumi.quotes.yaml");
    fs.writeFileSync(file, stringify(doc));
    const { code, out } = validate("--config", file);
    assert.equal(code, 0, out);
    assert.match(out, /promtool test rules \(ServiceDown, Watchdog\)\s+\S.*PASS/);
  });

  it("fails the routing table when a route no longer pages", () => {
    const tree = rendered();
    const file = path.join(tree, "alertmanager/alertmanager.yml");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("- receiver: pagerduty\n", "- receiver: slack-platform\n"));
    const { code, out } = validate("--config", prodWithSecrets(), "--tree", tree);
    assert.equal(code, 1, out);
    assert.match(out, /amtool routes: ServiceDown critical app\s+alertmanager\/alertmanager\.yml\s+FAIL/);
  });

  it("checks AMP's Alertmanager definition instead of the stack's when aws.amp.enabled", () => {
    const doc = parseYaml(fs.readFileSync(prodWithSecrets(), "utf8")) as { config: Record<string, Record<string, unknown>> };
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
