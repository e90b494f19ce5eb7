// The SNS message AMP's Alertmanager publishes, rendered by Alertmanager's own template engine
// (amtool template render): valid JSON whatever the labels and annotations hold (quotes,
// backslashes, newlines, control characters, non-ASCII), which the forwarders read back whole.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { ALERTMANAGER_MESSAGE_VERSION } from "../../lambdas/contract";
import { readAlertGroup } from "../../lambdas/shared/alertmanager";
import { SNS_TEMPLATE, SNS_TEMPLATE_FILE, SNS_TEMPLATE_TEXT } from "../../monitoring/amp/message";
import { use } from "../../monitoring/alertmanager/templates";
import { tmpDir, tool } from "../helpers/tools";

const HOSTILE = 'say "hi" \\ back\\slash\nnew line\ttab\r\u0001bell ünïcødé 🚨 </script> {{ .Status }}';
const alert = (status: string, instance: string) => ({
  status,
  labels: { alertname: "ServiceDown", severity: "critical", plane: "app", service: "cns-service", instance, weird: HOSTILE },
  annotations: { summary: "cns-service is down", description: HOSTILE, runbook_url: "https://runbooks.example/ServiceDown.md" },
  startsAt: "2025-12-21T10:00:00Z",
  endsAt: status === "resolved" ? "2025-12-21T10:30:00Z" : "0001-01-01T00:00:00Z",
  generatorURL: "http://prometheus:9090/graph?g0.expr=up%20%3D%3D%200&g0.tab=1",
  fingerprint: instance === "cns-1:27200" ? "3a7c1f2e9b8d4c05" : "0f1e2d3c4b5a6978",
});
const GROUP = {
  receiver: "sns-critical",
  status: "firing",
  alerts: [alert("firing", "cns-1:27200"), alert("resolved", "cns-2:27200")],
  groupLabels: { alertname: "ServiceDown", plane: "app", service: "cns-service" },
  commonLabels: { alertname: "ServiceDown", severity: "critical", plane: "app", service: "cns-service", weird: HOSTILE },
  commonAnnotations: { summary: "cns-service is down", description: HOSTILE },
  externalURL: "https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/alertmanager",
};

describe("SNS message template (amtool template render)", () => {
  let dir: string;
  const render = (data: object, name: string): string => {
    const file = path.join(dir, `${name}-data.json`);
    fs.writeFileSync(file, JSON.stringify(data));
    const r = tool("amtool", ["template", "render", `--template.glob=${path.join(dir, SNS_TEMPLATE_FILE)}`, `--template.data=${file}`, `--template.text=${use(name)}`]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.replace(/\n$/, "");
  };

  before(() => {
    dir = tmpDir("ananta-sns-tmpl-");
    fs.writeFileSync(path.join(dir, SNS_TEMPLATE_FILE), SNS_TEMPLATE_TEXT);
  });

  it("writes the group as JSON that keeps every string whole (control characters other than \\n \\r \\t dropped)", () => {
    const message = JSON.parse(render(GROUP, SNS_TEMPLATE.message));
    const kept = HOSTILE.replace("\u0001", "");
    assert.equal(message.version, ALERTMANAGER_MESSAGE_VERSION);
    assert.equal(message.status, "firing");
    assert.equal(message.receiver, "sns-critical");
    assert.equal(message.externalURL, GROUP.externalURL);
    assert.deepEqual(message.groupLabels, GROUP.groupLabels);
    assert.deepEqual(message.commonLabels, { ...GROUP.commonLabels, weird: kept });
    assert.deepEqual(message.commonAnnotations, { ...GROUP.commonAnnotations, description: kept });
    assert.deepEqual(
      message.alerts.map((a: Record<string, unknown>) => [a.status, (a.labels as Record<string, string>).instance, (a.labels as Record<string, string>).weird, a.fingerprint, a.generatorURL]),
      GROUP.alerts.map((a) => [a.status, a.labels.instance, kept, a.fingerprint, a.generatorURL]),
    );
    assert.equal(message.alerts[0].startsAt, "2025-12-21T10:00:00.000Z");
    assert.equal(message.alerts[1].endsAt, "2025-12-21T10:30:00.000Z");
    assert.ok(!Array.isArray(readAlertGroup(message)), "the forwarders read it as an alert group");
  });

  it("writes a resolved group and a group without annotations as JSON too", () => {
    const resolved = JSON.parse(render({ ...GROUP, status: "resolved", alerts: [alert("resolved", "cns-1:27200")], commonAnnotations: {} }, SNS_TEMPLATE.message));
    assert.equal(resolved.status, "resolved");
    assert.deepEqual(resolved.commonAnnotations, {});
  });

  it("gives SNS a one-line printable ASCII subject of at most 100 characters", () => {
    assert.equal(render(GROUP, SNS_TEMPLATE.subject), "[FIRING:1] ServiceDown");
    assert.equal(render({ ...GROUP, status: "resolved" }, SNS_TEMPLATE.subject), "[RESOLVED] ServiceDown");
    const long = render({ ...GROUP, commonLabels: { ...GROUP.commonLabels, alertname: `Ünïcødé${"X".repeat(200)}` } }, SNS_TEMPLATE.subject);
    assert.match(long, /^[ -~]{1,100}$/);
    assert.equal(long, `[FIRING:1] ncd${"X".repeat(77)}`);
  });
});
