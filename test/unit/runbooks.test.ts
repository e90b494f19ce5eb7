// Every alert in every rendered rule file links a runbook page that exists in docs/runbooks/,
// and the runbooks of the critical and warning alerts say what on-call needs, section by section.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { RULE_FILES } from "../../monitoring/conventions";
import { renderFiles } from "../../monitoring/files";
import { FILES } from "../../monitoring/layout";
import { ROOT } from "../helpers/pulumi-program";
import { settingsOf } from "../helpers/tools";

const RUNBOOKS = path.join(ROOT, "docs/runbooks");
const SECTIONS = ["Meaning", "Impact", "Diagnosis", "Mitigation", "Escalation"];

interface Alert {
  alert: string;
  annotations?: { runbook_url?: string };
}

function alertsOf(text: string): Alert[] {
  const doc = parse(text) as { groups: { rules: (Alert | { record: string })[] }[] };
  return doc.groups.flatMap((g) => g.rules).filter((r): r is Alert => "alert" in r);
}

for (const stack of ["dev", "prod"]) {
  describe(`runbooks of the alerts of Pulumi.${stack}.yaml`, () => {
    const settings = settingsOf(stack);
    const tree = renderFiles(settings);
    const ruleFiles = Object.keys(tree).filter((f) => f.startsWith(path.dirname(FILES.rule("x")) + "/"));
    const base = `${settings.runbookBaseUrl.replace(/\/+$/, "")}/`;

    it("render the critical and warnings rule files", () => {
      for (const f of [RULE_FILES.critical, RULE_FILES.warnings]) assert.ok(ruleFiles.includes(FILES.rule(f)), `${FILES.rule(f)} is not rendered`);
    });

    for (const file of ruleFiles) {
      it(`${file}: every alert's runbook_url is <runbookBaseUrl>/<page> and the page exists in docs/runbooks/`, () => {
        const alerts = alertsOf(tree[file]);
        assert.ok(alerts.length > 0, `${file} holds no alert`);
        const problems = new Set<string>();
        for (const a of alerts) {
          const url = a.annotations?.runbook_url;
          const page = url?.startsWith(base) ? url.slice(base.length) : undefined;
          if (!url) problems.add(`${a.alert} has no runbook_url`);
          else if (!page || !/^[A-Za-z0-9]+\.md$/.test(page)) problems.add(`${a.alert}: runbook_url ${url} is not a page under ${base}`);
          else if (!fs.existsSync(path.join(RUNBOOKS, page))) problems.add(`${a.alert}: docs/runbooks/${page} does not exist`);
        }
        assert.deepEqual([...problems], []);
      });
    }

    it("runbooks of the critical and warning alerts have a title naming the alert, every section, and diagnosis commands", () => {
      const names = new Set([RULE_FILES.critical, RULE_FILES.warnings].flatMap((f) => alertsOf(tree[FILES.rule(f)]).map((a) => a.alert)));
      for (const name of names) {
        const text = fs.readFileSync(path.join(RUNBOOKS, `${name}.md`), "utf8");
        assert.match(text, new RegExp(`^# ${name}\\b`), `${name}.md does not start with "# ${name}"`);
        for (const s of SECTIONS) assert.match(text, new RegExp(`^## ${s}\\b`, "m"), `${name}.md has no "## ${s}" section`);
        const diagnosis = text.split(/^## Diagnosis\b/m)[1].split(/^## /m)[0];
        assert.match(diagnosis, /```/, `${name}.md: the Diagnosis section has no query or command`);
      }
    });
  });
}
