// AMP's Alertmanager definition through the real amtool: the configuration and its template load,
// and every generated alert reaches the topics its routing intent says: it pages through exactly
// one topic when (and only when) the stack's own Alertmanager would page, reaches the Slack
// channel of every team a Slack-only topic posts for, and reaches no team it should not (unless
// nothing else would take it: then the default team's topic).
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { ampAlertmanager, type SnsReceiver } from "../../monitoring/amp/alertmanager";
import { writeAmpAlertmanager } from "../../local/write-tree";
import { ruleNamespaces } from "../../monitoring/amp/rule-namespaces";
import { expectedReceivers } from "../../monitoring/alertmanager/routes";
import { RECEIVERS, WATCHDOG_ALERT } from "../../monitoring/conventions";
import { ruleFiles } from "../../monitoring/files";
import { settingsOf, settingsWith, tmpDir, tool } from "../helpers/tools";
import { alertRules, labelSets, receiversFor, type AlertRule } from "./amtool";

const REGION = "us-east-1";

describe("AMP Alertmanager definition (amtool)", () => {
  const settings = settingsWith("prod", { aws: { ...settingsOf("prod").aws, amp: { enabled: true } } });
  const arnOf = (t: string) => `arn:aws:sns:${REGION}:123456789012:ananta-prod-${t}`;
  const topicArns = Object.fromEntries(Object.keys(settings.aws.topics).map((t) => [t, arnOf(t)]));
  let config: string;
  let rules: AlertRule[];
  /** Receiver name → the topics it publishes to. */
  let topicsOf: Map<string, string[]>;

  before(() => {
    const dir = tmpDir("ananta-amp-am-");
    config = writeAmpAlertmanager(dir, ampAlertmanager(settings, topicArns, REGION));
    const receivers = (parseYaml(fs.readFileSync(config, "utf8")) as { receivers: SnsReceiver[] }).receivers;
    topicsOf = new Map(receivers.map((r) => [r.name, (r.sns_configs ?? []).map((c) => Object.keys(topicArns).find((t) => topicArns[t] === c.topic_arn)!)]));
    const rulesDir = path.join(dir, "rules");
    fs.mkdirSync(rulesDir);
    for (const ns of ruleNamespaces(ruleFiles(settings))) fs.writeFileSync(path.join(rulesDir, `${ns.name}.yml`), ns.data);
    rules = alertRules(rulesDir);
  });

  it("passes amtool check-config with its template", () => {
    const r = tool("amtool", ["check-config", config]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /- 1 templates/);
  });

  it("routes every generated alert by its intent: one paging topic exactly when the stack would page, its teams' Slack-only topics, nothing else", () => {
    const problems: string[] = [];
    const slackOnly = (team: string) => Object.entries(settings.aws.topics).find(([, t]) => !t.pagerduty && t.slack === team)?.[0];
    const fallback = slackOnly(settings.notifications.routing.defaultTeam!)!;
    for (const rule of rules) {
      for (const labels of labelSets(rule, settings.services)) {
        const where = `${rule.alert} ${JSON.stringify(labels)}`;
        const got = receiversFor(config, labels);
        if (got.length !== 1) {
          problems.push(`${where}: reaches ${got.join(",")}, not one receiver`);
          continue;
        }
        if (rule.alert === WATCHDOG_ALERT) {
          if (got[0] !== RECEIVERS.watchdog) problems.push(`${where}: ${got[0]}`);
          continue;
        }
        const topics = topicsOf.get(got[0]) ?? [];
        const docker = expectedReceivers(settings, labels);
        const pages = docker.includes(RECEIVERS.pagerduty);
        const paging = topics.filter((t) => settings.aws.topics[t].pagerduty);
        if (paging.length !== (pages ? 1 : 0)) problems.push(`${where}: paging topics ${paging.join(",") || "none"}, the stack ${pages ? "pages" : "does not page"}`);
        const teams = Object.keys(settings.notifications.teams).filter((team) => docker.includes(RECEIVERS.slack(team)));
        const wanted = teams.flatMap((team) => slackOnly(team) ?? []);
        for (const t of wanted) if (!topics.includes(t)) problems.push(`${where}: misses topic ${t} (#${settings.aws.topics[t].slack})`);
        const extra = topics.filter((t) => !teams.includes(settings.aws.topics[t].slack));
        const onlyFallback = extra.length === 1 && extra[0] === fallback && topics.length === 1;
        if (extra.length > 0 && !onlyFallback) problems.push(`${where}: reaches ${extra.join(",")}, which post for teams the stack does not tell`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it("sends the reference's pages and tickets to these topics", () => {
    const cns = { service: "cns-service", plane: "app", team: "appPlane" };
    const cases: [Record<string, string>, string[]][] = [
      [{ alertname: "ServiceDown", severity: "critical", category: "availability", ...cns }, ["critical"]],
      [{ alertname: "ErrorBudgetBurningFast", severity: "critical", category: "slo", slo: "availability", ...cns }, ["slo"]],
      [{ alertname: "HighErrorRate", severity: "warning", category: "errors", ...cns }, ["warning"]],
      [{ alertname: "HostDiskWillFillSoon", severity: "critical", category: "infrastructure", plane: "infra", service: "host" }, ["critical", "infrastructure"]],
      [{ alertname: "ErrorBudgetExhausted", severity: "warning", category: "slo", policy_action: "exhausted", ...cns }, ["warning"]],
    ];
    for (const [labels, topics] of cases) assert.deepEqual(receiversFor(config, labels).flatMap((r) => topicsOf.get(r) ?? []), topics, labels.alertname);
  });
});
