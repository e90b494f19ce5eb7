import * as assert from "node:assert/strict";
import { INVARIANTS, TLS_KEY_INPUTS } from "../../policy/invariants";
import { slackTeams } from "../../monitoring/cloudwatch/forwarders";
import { findSecrets } from "../../policy/secret-shapes";
import { PolicyView, ProgramOptions, Secrets, policyViewOf } from "../helpers/pulumi-program";
import { settingsOf } from "../helpers/tools";
import { violations } from "./policy-args";

// Secrets shaped as Slack and PagerDuty issue them, so the shape checks have something to find.
const hook = (n: number) => `https://hooks.slack.com/services/T0000000${n}/B0000000${n}/XXXXXXXXXXXXXXXXXXXXXXX${n}`;
const TEAMS = ["critical", "platform", "slo", "database", "controlPlane", "appPlane", "infrastructure"];
const SHAPED: Secrets = {
  pagerdutyKey: "e93facc04764012d7bfb002500d5d1a6",
  slackWebhooks: Object.fromEntries(TEAMS.map((t, i) => [t, hook(i)])),
  smtpPassword: "correct-horse-battery-staple",
  grafanaAdminPassword: "Tr0ub4dor&3",
};

const isSink = (r: PolicyView, path: string): boolean =>
  (r.type === "aws:ssm/parameter:Parameter" && path === "value") ||
  TLS_KEY_INPUTS[r.type] === path ||
  (r.type === "docker:index/container:Container" && /^uploads\[\d+\]\.content$/.test(path) && String((r.props.uploads as { file: string }[])[Number(path.match(/\d+/)![0])].file).startsWith("/staging/secrets/"));

const HA_HOSTS = [
  { name: "a", host: "ssh://ops@mon-a.internal", address: "10.0.0.1" },
  { name: "b", host: "ssh://ops@mon-b.internal", address: "10.0.0.2" },
];

const VARIANTS: { stack: string; label: string; options: ProgramOptions; hosts?: number; amp?: boolean }[] = [
  { stack: "dev", label: "dev", options: { secrets: { smtpPassword: SHAPED.smtpPassword, grafanaAdminPassword: SHAPED.grafanaAdminPassword } } },
  { stack: "prod", label: "prod", options: { secrets: SHAPED } },
  { stack: "prod", label: "prod with docker.hosts (HA)", options: { secrets: SHAPED, config: { docker: { hosts: HA_HOSTS } } }, hosts: HA_HOSTS.length },
  { stack: "prod", label: "prod with aws.amp.enabled", options: { secrets: SHAPED, config: { aws: { ...settingsOf("prod").aws, amp: { enabled: true } } } }, amp: true },
];

for (const { stack, label, options, hosts = 1, amp = false } of VARIANTS) {
  describe(`the policy pack on every resource of the ${label} stack`, function () {
    this.timeout(60_000);
    let resources: PolicyView[];
    before(async () => {
      resources = await policyViewOf(stack, options);
    });

    it("reports no violation", async () => {
      assert.ok(resources.length > (stack === "prod" ? 80 : 10), `${resources.length} resources`);
      const found: string[] = [];
      for (const p of INVARIANTS) for (const r of resources) for (const v of await violations(p, r.type, r.props, r.opts, r.name)) found.push(`${p.name} ${r.type} ${r.name}: ${v}`);
      assert.deepEqual(found, []);
    });

    it("finds the shaped secrets in the secret sinks and nowhere else (so the check is not vacuous)", () => {
      const found = resources.flatMap((r) => findSecrets(r.props).map((f) => ({ r, f })));
      const outside = found.filter(({ r, f }) => !isSink(r, f.path)).map(({ r, f }) => `${r.name} ${f.path}: ${f.kind}`);
      assert.deepEqual(outside, []);
      const inSink = (type: string) => found.filter(({ r, f }) => r.type === type && f.kind !== "a private key").length;
      // Alertmanager's secret files hold the routing key and every team's webhook (with AMP there is
      // no Alertmanager, and Prometheus's AWS key is the one); on AWS, the SecureStrings hold the
      // routing key and the webhooks of the teams the topics post to.
      const settings = settingsOf(stack);
      assert.equal(inSink("docker:index/container:Container"), amp ? 1 : settings.aws.enabled ? (1 + TEAMS.length) * hosts : 0);
      assert.equal(inSink("aws:ssm/parameter:Parameter"), settings.aws.enabled ? 1 + slackTeams(settings).length : 0);
      // HA: each host's own key in its Prometheus's and its Alertmanager's secret files (the TLS
      // resources take them as their inputs).
      const keys = found.filter(({ r, f }) => r.type === "docker:index/container:Container" && f.kind === "a private key").length;
      assert.equal(keys, hosts > 1 ? 2 * hosts : 0);
    });
  });
}
