// Routing as data: a stack with a team and a plane of its own routes that team's service alerts
// to its Slack channel and e-mail (critical ones also to PagerDuty, warnings not) with no code
// change; the generated rules select and record the new plane; and, for every stack, every team
// is reached by some alert and every service's alerts reach its team when it has receivers.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { expectedReceivers } from "../../monitoring/alertmanager/routes";
import { owners } from "../../monitoring/alertmanager/routing-plan";
import { LABELS, RECEIVERS, SLO_SERIES } from "../../monitoring/conventions";
import { FILES } from "../../monitoring/layout";
import { Settings } from "../../settings";
import { renderTo, settingsOf, settingsWith, stackServices, tool } from "../helpers/tools";
import { configIn, verifyReceivers } from "./amtool";

/** The prod stack plus a payments team (its own channel and e-mail) owning a service on a new data plane. */
function paymentsStack(): Settings {
  const prod = settingsOf("prod");
  return settingsWith("prod", {
    planes: [...prod.planes, "data"],
    services: [...stackServices("prod"), { name: "ledger-service", plane: "data", team: "payments", targets: ["ledger.data.internal:9000"] }],
    notifications: {
      teams: { ...prod.notifications.teams, payments: { slack: { channel: "#payments-alerts" }, email: "payments@ananta.io" } },
      routing: prod.notifications.routing,
    },
  });
}

const ledger = { service: "ledger-service", plane: "data", team: "payments" };
const PAGE = [RECEIVERS.pagerduty, RECEIVERS.slack("critical"), RECEIVERS.email("oncall")];
const PAYMENTS = [RECEIVERS.slack("payments"), RECEIVERS.email("payments")];

describe("routing as data: a team and a plane of a stack's own", () => {
  const settings = paymentsStack();
  let dir: string;
  before(() => {
    dir = renderTo(settings);
  });

  it("passes amtool check-config", () => {
    const r = tool("amtool", ["check-config", configIn(dir)]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  for (const [what, labels, receivers] of [
    ["a critical ServiceDown of ledger-service pages, then reaches payments' channel and e-mail", { alertname: "ServiceDown", severity: "critical", category: "availability", ...ledger }, [...PAGE, ...PAYMENTS]],
    ["a warning HighErrorRate of ledger-service posts to #platform-alerts and payments, no page", { alertname: "HighErrorRate", severity: "warning", category: "errors", ...ledger }, [RECEIVERS.slack("platform"), ...PAYMENTS]],
    ["an info alert of ledger-service reaches payments only", { alertname: "ErrorBudgetReview", severity: "info", category: "errors", ...ledger }, PAYMENTS],
    ["a budget-policy alert of ledger-service reaches the SLO team and payments, never PagerDuty", { alertname: "ErrorBudgetExhausted", severity: "warning", category: "slo", [LABELS.policyAction]: "exhausted", ...ledger }, [RECEIVERS.slack("slo"), RECEIVERS.email("slo"), ...PAYMENTS]],
    ["a database alert of ledger-service still goes to the database team (category first)", { alertname: "PostgresDown", severity: "critical", category: "database", ...ledger }, [...PAGE, RECEIVERS.slack("database"), RECEIVERS.email("database")]],
    ["the reference flow is unchanged: critical app-plane ServiceDown for cns-service", { alertname: "ServiceDown", severity: "critical", category: "availability", service: "cns-service", plane: "app", team: "appPlane" }, [...PAGE, RECEIVERS.slack("app-plane"), RECEIVERS.email("app-plane")]],
  ] as [string, Record<string, string>, string[]][]) {
    it(`${what} (amtool config routes test)`, () => {
      const r = verifyReceivers(configIn(dir), labels, receivers);
      assert.ok(r.ok, `reached ${r.got}, expected ${receivers.join(",")}`);
      assert.deepEqual(expectedReceivers(settings, labels), receivers);
    });
  }

  it("selects data-plane-ledger-service in the rules and records slo:data_plane:* roll-ups", () => {
    const slos = fs.readFileSync(path.join(dir, FILES.rule("slos")), "utf8");
    // One rule for the services that share an SLO's settings, selected by the service label their scrape jobs attach.
    assert.match(slos, /service=~"[^"]*\bledger-service\b[^"]*"/);
    const records = (parseYaml(slos) as { groups: { rules: { record?: string }[] }[] }).groups.flatMap((g) => g.rules.map((r) => r.record));
    assert.ok(records.includes(SLO_SERIES.plane.availability("data", "5m")), "slo:data_plane:availability:ratio_5m");
    assert.ok(records.includes(SLO_SERIES.plane.budgetRemaining("data")), "slo:data_plane:error_budget:remaining");
    const prom = parseYaml(fs.readFileSync(path.join(dir, FILES.prometheusConfig), "utf8")) as { scrape_configs: { job_name: string; static_configs: { labels?: Record<string, string> }[] }[] };
    const job = prom.scrape_configs.find((j) => j.job_name === "data-plane-ledger-service");
    assert.deepEqual(job?.static_configs[0].labels, ledger);
    const critical = fs.readFileSync(path.join(dir, FILES.rule("critical")), "utf8");
    assert.match(critical, /up\{service=~"[^"]*\bledger-service\b[^"]*"\} == 0/);
  });

  it("shows the new plane on the SLO dashboard", () => {
    const dashboard = fs.readFileSync(path.join(dir, FILES.dashboard("slo-overview")), "utf8");
    assert.match(dashboard, /data plane availability/);
    assert.match(dashboard, /slo:data_plane:error_budget:remaining/);
  });
});

for (const stack of ["dev", "prod", "payments"] as const) {
  describe(`routing tables generated from the ${stack} stack's data`, () => {
    const settings = stack === "payments" ? paymentsStack() : settingsOf(stack);
    let dir: string;
    before(() => {
      dir = renderTo(settings);
    });

    it("reaches every team with a channel with some alert", () => {
      const reached = new Set<string>();
      const probes = [
        ...owners(settings).map((o) => ({ alertname: "Probe", severity: "info", ...Object.fromEntries(o.match.map((m) => [m.label, m.values![0]])) })),
        ...(["critical", "warning", "info"] as const).map((severity) => ({ alertname: "Probe", severity })),
      ];
      for (const labels of probes) for (const r of expectedReceivers(settings, labels)) reached.add(r);
      for (const [team, t] of Object.entries(settings.notifications.teams)) {
        if (t.slack) assert.ok(reached.has(RECEIVERS.slack(team)), `${team}'s Slack channel is reached`);
        if (t.email) assert.ok(reached.has(RECEIVERS.email(team)), `${team}'s e-mail is reached`);
      }
    });

    it("delivers every service's alerts to its team when the team has receivers, and no page for warnings", () => {
      for (const svc of settings.services.filter((s) => s.team)) {
        const t = settings.notifications.teams[svc.team!];
        const own = [...(t.slack ? [RECEIVERS.slack(svc.team!)] : []), ...(t.email ? [RECEIVERS.email(svc.team!)] : [])];
        for (const severity of ["critical", "warning"]) {
          const labels = { alertname: "ServiceDown", severity, category: "availability", service: svc.name, plane: svc.plane, team: svc.team! };
          const r = verifyReceivers(configIn(dir), labels, expectedReceivers(settings, labels));
          assert.ok(r.ok, `${svc.name} ${severity}: amtool ${r.got}`);
          const got = r.got.split(",");
          for (const receiver of own) assert.ok(got.includes(receiver), `${svc.name} ${severity} reaches ${receiver}`);
          assert.equal(got.includes(RECEIVERS.pagerduty), severity === "critical", `${svc.name} ${severity}: PagerDuty only for critical`);
        }
      }
    });
  });
}
