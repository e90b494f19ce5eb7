// The notification templates render with Alertmanager's own engine (amtool template render)
// on a group holding a firing and a resolved alert, as text and, for e-mail, as HTML.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { TEMPLATE, use } from "../../monitoring/alertmanager/templates";
import { renderTo, settingsOf, tmpDir, tool } from "../helpers/tools";
import { readConfig } from "./amtool";

const RUNBOOK = "https://runbooks.example/ServiceDown.md";
const GROUP = {
  receiver: "slack-critical",
  status: "firing",
  alerts: [
    {
      status: "firing",
      labels: { alertname: "ServiceDown", severity: "critical", category: "availability", plane: "app", service: "cns-service", instance: "cns-1:27200" },
      annotations: { summary: "cns-service is down", description: "up is 0 on cns-1:27200 <for 1m>", runbook_url: RUNBOOK },
      startsAt: "2025-12-21T10:00:00Z",
      endsAt: "0001-01-01T00:00:00Z",
    },
    {
      status: "resolved",
      labels: { alertname: "ServiceDown", severity: "critical", category: "availability", plane: "app", service: "cns-service", instance: "cns-2:27200" },
      annotations: { summary: "cns-service is down", runbook_url: RUNBOOK },
      startsAt: "2025-12-21T09:00:00Z",
      endsAt: "2025-12-21T09:30:00Z",
    },
  ],
  groupLabels: { alertname: "ServiceDown", plane: "app", service: "cns-service" },
  commonLabels: { alertname: "ServiceDown", severity: "critical", category: "availability", plane: "app", service: "cns-service", environment: "prod" },
  commonAnnotations: { summary: "cns-service is down", runbook_url: RUNBOOK },
  externalURL: "http://alertmanager:9093",
};

describe("notification templates (amtool template render)", () => {
  let glob: string;
  let data: string;
  const render = (text: string, type: "text" | "html" = "text"): string => {
    const r = tool("amtool", ["template", "render", `--template.glob=${glob}`, `--template.data=${data}`, `--template.type=${type}`, `--template.text=${text}`]);
    assert.equal(r.code, 0, `amtool template render ${text} failed: ${r.stderr}`);
    return r.stdout;
  };

  before(() => {
    glob = path.join(renderTo(settingsOf("prod")), "alertmanager/templates/*.tmpl");
    data = path.join(tmpDir("ananta-tmpl-"), "data.json");
    fs.writeFileSync(data, JSON.stringify(GROUP));
  });

  it("titles the group with status, count, alert, service and plane", () => {
    assert.equal(render(use(TEMPLATE.title)).trim(), "[FIRING:1] ServiceDown cns-service (app plane)");
  });

  it("lists firing and resolved alerts with their summary, labels, times and runbook", () => {
    const text = render(use(TEMPLATE.alerts));
    const [firing, resolved] = text.split("Resolved (1):");
    assert.match(firing, /^Firing \(1\):/);
    assert.match(firing, /ServiceDown \[critical\] on cns-service/);
    assert.match(firing, /up is 0 on cns-1:27200 <for 1m>/);
    assert.match(firing, /instance=cns-1:27200/);
    assert.match(firing, /Started: 2025-12-21 10:00:00 UTC/);
    assert.ok(firing.includes(`Runbook: ${RUNBOOK}`), firing);
    assert.ok(resolved, `no resolved section in:\n${text}`);
    assert.match(resolved, /instance=cns-2:27200/);
    assert.match(resolved, /resolved: 2025-12-21 09:30:00 UTC/);
  });

  it("names the SLO in the title and in each alert, so alerts about two SLOs of one service never look alike", () => {
    const latency = (slo: string) => ({ ...GROUP.alerts[0], labels: { ...GROUP.alerts[0].labels, alertname: "HighLatency", slo } });
    const group = { ...GROUP, alerts: [latency("p99")], groupLabels: { ...GROUP.groupLabels, alertname: "HighLatency", slo: "p99" }, commonLabels: { ...GROUP.commonLabels, alertname: "HighLatency", slo: "p99" } };
    const file = path.join(tmpDir("ananta-tmpl-"), "slo.json");
    fs.writeFileSync(file, JSON.stringify(group));
    const r = (text: string) => tool("amtool", ["template", "render", `--template.glob=${glob}`, `--template.data=${file}`, `--template.text=${text}`]).stdout.trim();
    assert.equal(r(use(TEMPLATE.title)), "[FIRING:1] HighLatency cns-service (app plane), SLO p99");
    assert.match(r(use(TEMPLATE.alerts)), /HighLatency \[critical\] on cns-service, SLO p99/);
    assert.equal(r(use(TEMPLATE.pagerdutyDescription)), "[FIRING:1] HighLatency cns-service (app plane), SLO p99: cns-service is down");
    assert.equal(r(use(TEMPLATE.emailSubject)), "[prod] [FIRING:1] HighLatency cns-service (app plane), SLO p99");
  });

  it("gives PagerDuty a summary and a severity it accepts", () => {
    assert.equal(render(use(TEMPLATE.pagerdutyDescription)).trim(), "[FIRING:1] ServiceDown cns-service (app plane): cns-service is down");
    assert.equal(render(use(TEMPLATE.pagerdutySeverity)).trim(), "critical");
  });

  it("gives e-mail a subject with the environment and an escaped HTML body with runbook links", () => {
    assert.equal(render(use(TEMPLATE.emailSubject)).trim(), "[prod] [FIRING:1] ServiceDown cns-service (app plane)");
    const html = render(use(TEMPLATE.emailHtml), "html");
    assert.ok(html.includes(`<a href="${RUNBOOK}">`), html);
    assert.ok(html.includes("&lt;for 1m&gt;") && !html.includes("<for 1m>"), html);
  });

  it("escapes & < > in every value Slack gets, so a scraped label or annotation cannot ping @channel or forge a link", () => {
    const hostile = path.join(tmpDir("ananta-tmpl-"), "hostile.json");
    const labels = { ...GROUP.commonLabels, service: "<!channel>", datname: "<!here> & <https://evil.example|click>" };
    const alerts = [{ ...GROUP.alerts[0], labels: { ...GROUP.alerts[0].labels, ...labels }, annotations: { summary: "<!everyone> look", runbook_url: "https://x.example/<!channel>" } }];
    fs.writeFileSync(hostile, JSON.stringify({ ...GROUP, alerts, commonLabels: labels }));
    const renderWith = (text: string) => {
      const r = tool("amtool", ["template", "render", `--template.glob=${glob}`, `--template.data=${hostile}`, `--template.text=${text}`]);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout;
    };
    const slack = renderWith(use(TEMPLATE.slackTitle)) + renderWith(use(TEMPLATE.slackAlerts));
    assert.doesNotMatch(slack, /<!|<https/, slack);
    assert.match(slack, /&lt;!channel&gt;/);
    assert.match(slack, /datname=&lt;!here&gt; &amp; &lt;https:\/\/evil\.example\|click&gt;/);
    // E-mail and PagerDuty keep the values as they are (HTML escapes them itself).
    assert.match(renderWith(use(TEMPLATE.title)), /<!channel>/);
  });

  it("renders every template field of every receiver", () => {
    const fields = new Map<string, "text" | "html">();
    const walk = (node: unknown, key = ""): void => {
      if (typeof node === "string" && node.includes("{{")) fields.set(node, key === "html" ? "html" : "text");
      else if (node && typeof node === "object") for (const [k, v] of Object.entries(node)) walk(v, k);
    };
    walk(readConfig(renderTo(settingsOf("prod"))).receivers);
    assert.ok(fields.size >= 8, `only ${fields.size} template fields found`);
    for (const [field, type] of fields) assert.notEqual(render(field, type).trim(), "", `${field} renders empty`);
  });
});
