// The routing table: which receivers (in tree order) each kind of alert reaches, checked by
// amtool's own --verify.receivers on the rendered config of every stack.
import { strict as assert } from "node:assert";
import { routingTree } from "../../monitoring/alertmanager/routes";
import { renderTo, settingsOf } from "../helpers/tools";
import { configIn, verifyReceivers, type Labels } from "./amtool";
import { STACKS } from "./stacks";

const PAGE = ["pagerduty", "slack-critical", "email-oncall"];
const WARN = ["slack-platform"];
const team = (t: string) => [`slack-${t}`, `email-${t}`];

interface Case {
  what: string;
  labels: Labels;
  receivers: string[];
}

const app = { plane: "app", service: "cns-service" };
const control = { plane: "control", service: "tenant-management-service" };

const ROUTING_TABLE: Case[] = [
  // The reference's two alert flows.
  {
    what: "reference flow: critical app-plane ServiceDown for cns-service",
    labels: { alertname: "ServiceDown", severity: "critical", category: "availability", ...app },
    receivers: [...PAGE, ...team("app-plane")],
  },
  {
    what: "reference flow: ErrorBudgetBurningFast pages and reaches the SLO team",
    labels: { alertname: "ErrorBudgetBurningFast", severity: "critical", category: "slo", slo: "availability", ...app },
    receivers: [...PAGE, ...team("slo")],
  },
  // Every channel at every severity.
  { what: "critical control plane", labels: { alertname: "ServiceDown", severity: "critical", category: "availability", ...control }, receivers: [...PAGE, ...team("control-plane")] },
  { what: "warning control plane", labels: { alertname: "HighErrorRate", severity: "warning", category: "errors", ...control }, receivers: [...WARN, ...team("control-plane")] },
  { what: "info control plane", labels: { alertname: "ErrorBudgetPolicy", severity: "info", category: "errors", ...control }, receivers: team("control-plane") },
  { what: "warning app plane", labels: { alertname: "HighLatency", severity: "warning", category: "latency", ...app }, receivers: [...WARN, ...team("app-plane")] },
  { what: "info app plane", labels: { alertname: "ErrorBudgetPolicy", severity: "info", category: "errors", ...app }, receivers: team("app-plane") },
  { what: "critical deployment on the app plane", labels: { alertname: "DeploymentCausingErrors", severity: "critical", category: "deployment", ...app }, receivers: [...PAGE, ...team("app-plane")] },
  { what: "warning SLO (slow burn)", labels: { alertname: "ErrorBudgetBurningSlow", severity: "warning", category: "slo", slo: "p99", ...control }, receivers: [...WARN, ...team("slo")] },
  { what: "info SLO", labels: { alertname: "ErrorBudgetLow", severity: "info", category: "slo", ...app }, receivers: team("slo") },
  { what: "critical database beats the plane", labels: { alertname: "DatabaseConnectionPoolExhausted", severity: "critical", category: "database", ...control }, receivers: [...PAGE, ...team("database")] },
  { what: "warning database", labels: { alertname: "DatabaseReplicationLag", severity: "warning", category: "database", plane: "app" }, receivers: [...WARN, ...team("database")] },
  { what: "info database", labels: { alertname: "DatabaseSlowQueries", severity: "info", category: "database" }, receivers: team("database") },
  { what: "critical cache goes to infrastructure", labels: { alertname: "RedisMemoryCritical", severity: "critical", category: "cache", plane: "app" }, receivers: [...PAGE, ...team("infrastructure")] },
  { what: "warning cache", labels: { alertname: "RedisEvictions", severity: "warning", category: "cache" }, receivers: [...WARN, ...team("infrastructure")] },
  { what: "critical infrastructure", labels: { alertname: "HostOutOfMemory", severity: "critical", category: "infrastructure" }, receivers: [...PAGE, ...team("infrastructure")] },
  { what: "warning infrastructure", labels: { alertname: "HostHighCpu", severity: "warning", category: "infrastructure" }, receivers: [...WARN, ...team("infrastructure")] },
  { what: "info infrastructure", labels: { alertname: "ContainerRestarted", severity: "info", category: "infrastructure" }, receivers: team("infrastructure") },
  { what: "critical with no owner goes to the platform team", labels: { alertname: "PrometheusRuleFailures", severity: "critical", category: "monitoring" }, receivers: [...PAGE, ...team("platform")] },
  { what: "warning with no owner: #platform-alerts once, platform e-mail", labels: { alertname: "AlertmanagerFailedReload", severity: "warning", category: "monitoring" }, receivers: ["slack-platform", "email-platform"] },
  { what: "info with no owner", labels: { alertname: "ConfigReloaded", severity: "info", category: "monitoring" }, receivers: team("platform") },
  { what: "no labels at all still reaches the platform team", labels: { alertname: "Unlabelled" }, receivers: team("platform") },
  // The heartbeat reaches its dead man's switch and no one else, whatever its labels.
  { what: "Watchdog", labels: { alertname: "Watchdog", severity: "none" }, receivers: ["watchdog"] },
  { what: "Watchdog with a critical severity", labels: { alertname: "Watchdog", severity: "critical", plane: "app" }, receivers: ["watchdog"] },
];

describe("routing tree grouping", () => {
  it("groups by alert, plane, service and SLO, so each SLO of a service is its own notification and incident", () => {
    assert.deepEqual(routingTree(settingsOf("prod")).group_by, ["alertname", "plane", "service", "slo"]);
  });
});

describe("amtool config routes test: the routing table", () => {
  for (const stack of STACKS) {
    describe(`${stack} stack`, () => {
      let config: string;
      before(() => {
        config = configIn(renderTo(settingsOf(stack)));
      });
      for (const c of ROUTING_TABLE) {
        it(`${c.what} → ${c.receivers.join(", ")}`, () => {
          const r = verifyReceivers(config, c.labels, c.receivers);
          assert.ok(r.ok, `${JSON.stringify(c.labels)} reached ${r.got}, expected ${c.receivers.join(",")}`);
        });
      }
    });
  }
});
