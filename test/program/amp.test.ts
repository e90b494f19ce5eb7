// The prod stack with aws.amp.enabled under Pulumi mocks: one workspace with its logging, rule
// namespaces holding every generated rule (promtool accepts them), one Alertmanager definition
// (amtool accepts it) with only SNS receivers on the stack's topics, topic and key policies for
// AMP, a remote-write user scoped to the workspace whose key reaches Prometheus only as a 0400
// secret file, and a Docker side that remote-writes and sends nothing itself.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { ruleFiles } from "../../monitoring/files";
import { AWS_CREDENTIALS, MOUNTS, STAGING } from "../../monitoring/layout";
import { Settings } from "../../settings";
import { PROD_SECRETS, ProgramRun, Registered, WORKSPACE_ID, isWrappedSecret, runProgram, unwrapSecrets } from "../helpers/pulumi-program";
import { sentinelsIn } from "../helpers/sentinels";
import { settingsOf, settingsWith, tmpDir, tool } from "../helpers/tools";

const T = {
  workspace: "aws:amp/workspace:Workspace",
  namespace: "aws:amp/ruleGroupNamespace:RuleGroupNamespace",
  definition: "aws:amp/alertManagerDefinition:AlertManagerDefinition",
  topic: "aws:sns/topic:Topic",
  topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
  keyPolicy: "aws:kms/keyPolicy:KeyPolicy",
  user: "aws:iam/user:User",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  accessKey: "aws:iam/accessKey:AccessKey",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  container: "docker:index/container:Container",
} as const;

const ENDPOINT = `https://aps-workspaces.us-east-1.amazonaws.com/workspaces/${WORKSPACE_ID}/`;
const WORKSPACE_ARN = `arn:aws:aps:us-east-1:123456789012:workspace/${WORKSPACE_ID}`;
const prodAws = settingsOf("prod").aws;
const withAmp = (amp: Record<string, unknown>) => ({ secrets: PROD_SECRETS, config: { aws: { ...prodAws, amp } } });

interface Statement {
  Sid?: string;
  Principal?: { Service?: string; AWS?: string };
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}
const statements = (r: Registered, field = "policy"): Statement[] => JSON.parse(r.inputs[field] as string).Statement;
interface Upload {
  file: string;
  content: unknown;
  permissions?: string;
}
/** A sync container's uploads (secret as a whole when any file is a secret). */
const uploads = (r: Registered) => ((unwrapSecrets(r.inputs) as { uploads?: Upload[] }).uploads ?? []);
const uploaded = (r: Registered, file: string) => uploads(r).find((u) => u.file === `${STAGING}/${file}`);

describe("AMP on the prod stack (Pulumi mocks)", function () {
  this.timeout(60_000);
  let run: ProgramRun;
  let settings: Settings;
  before(async () => {
    run = await runProgram("prod", withAmp({ enabled: true }));
    settings = settingsWith("prod", { aws: { ...prodAws, amp: { enabled: true } } });
  });

  it("creates one workspace, logging to its own log group", () => {
    const [ws, ...others] = run.ofType(T.workspace);
    assert.equal(others.length, 0);
    const logs = run.ofType(T.logGroup).find((l) => String(l.inputs.name).startsWith("/aws/vendedlogs/prometheus/"));
    assert.ok(logs, "a vended-logs log group");
    assert.match(String((ws.inputs.loggingConfiguration as { logGroupArn: string }).logGroupArn), new RegExp(`^arn:aws:\\w+:us-east-1:123456789012:${logs.inputs.name}:\\*$`));
    assert.equal(run.values.ampWorkspaceId, WORKSPACE_ID);
    assert.equal(run.values.ampEndpoint, ENDPOINT);
  });

  it("puts every generated rule into rule namespaces of that workspace, which promtool accepts", () => {
    const namespaces = run.ofType(T.namespace);
    assert.deepEqual(namespaces.map((n) => n.inputs.name), Object.keys(ruleFiles(settings)));
    const dir = tmpDir("ananta-amp-ns-");
    const files = namespaces.map((n) => {
      assert.equal(n.inputs.workspaceId, WORKSPACE_ID);
      const file = path.join(dir, `${n.inputs.name}.yml`);
      fs.writeFileSync(file, String(n.inputs.data));
      return file;
    });
    const r = tool("promtool", ["check", "rules", ...files]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const rules = (text: string) => (parseYaml(text) as { groups: { rules: object[] }[] }).groups.flatMap((g) => g.rules);
    assert.deepEqual(namespaces.flatMap((n) => rules(String(n.inputs.data))), Object.values(ruleFiles(settings)).flatMap(rules));
  });

  it("defines one Alertmanager, which amtool accepts, sending only through SNS to the stack's topics with sigv4.region", () => {
    const [def, ...others] = run.ofType(T.definition);
    assert.equal(others.length, 0);
    assert.equal(def.inputs.workspaceId, WORKSPACE_ID);
    const definition = parseYaml(String(def.inputs.definition)) as { alertmanager_config: string; template_files: Record<string, string> };
    const dir = tmpDir("ananta-amp-def-");
    for (const [name, text] of Object.entries(definition.template_files)) fs.writeFileSync(path.join(dir, name), text);
    fs.writeFileSync(path.join(dir, "alertmanager.yml"), definition.alertmanager_config);
    const r = tool("amtool", ["check-config", path.join(dir, "alertmanager.yml")]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);

    const config = parseYaml(definition.alertmanager_config) as { receivers: Record<string, unknown>[] };
    const topicArns = run.ofType(T.topic).map((t) => `arn:aws:sns:us-east-1:123456789012:${t.inputs.name}`);
    const used = new Set<string>();
    for (const receiver of config.receivers) {
      const integrations = Object.keys(receiver).filter((k) => k !== "name");
      assert.ok(integrations.every((k) => k === "sns_configs"), `${receiver.name}: ${integrations.join(", ")}`);
      for (const c of (receiver.sns_configs as Record<string, unknown>[] | undefined) ?? []) {
        assert.ok(topicArns.includes(String(c.topic_arn)), String(c.topic_arn));
        used.add(String(c.topic_arn));
        assert.deepEqual(c.sigv4, { region: "us-east-1" });
        assert.ok(!("api_url" in c) && !("http_config" in c));
      }
    }
    assert.deepEqual([...used].sort(), topicArns.sort(), "every topic is some alert's");
  });

  it("lets this workspace, and only it, publish to each topic under the stack's key, keeping the account's own rights", () => {
    const policies = run.ofType(T.topicPolicy);
    assert.equal(policies.length, run.ofType(T.topic).length);
    for (const p of policies) {
      const [owner, amp] = statements(p);
      assert.deepEqual([owner.Principal, owner.Condition], [{ AWS: "*" }, { StringEquals: { "AWS:SourceOwner": "123456789012" } }], "SNS's default statement");
      assert.deepEqual(amp.Principal, { Service: "aps.amazonaws.com" });
      assert.deepEqual(amp.Action, ["sns:Publish", "sns:GetTopicAttributes"]);
      assert.equal(amp.Resource, p.inputs.arn);
      assert.deepEqual(amp.Condition, { ArnEquals: { "aws:SourceArn": WORKSPACE_ARN }, StringEquals: { "aws:SourceAccount": "123456789012" } });
    }
    const key = statements(run.ofType(T.keyPolicy)[0]).find((s) => s.Principal?.Service === "aps.amazonaws.com");
    assert.deepEqual(key?.Action, ["kms:Decrypt", "kms:GenerateDataKey"]);
  });

  it("remote-writes as a user allowed aps:RemoteWrite on this workspace only, its key a secret file of Prometheus", () => {
    const [user] = run.ofType(T.user);
    const [policy] = run.ofType(T.userPolicy);
    assert.equal(policy.inputs.user, user.inputs.name);
    assert.deepEqual(statements(policy), [{ Sid: "RemoteWriteToThisWorkspace", Effect: "Allow", Action: ["aps:RemoteWrite"], Resource: WORKSPACE_ARN }]);
    assert.equal(run.ofType(T.accessKey)[0].inputs.user, user.inputs.name);

    const sync = run.named("ananta-prod-prometheus-sync");
    const credentials = uploaded(sync, AWS_CREDENTIALS)!;
    assert.ok(isWrappedSecret(sync.inputs.uploads), "the uploads holding the credentials are secret");
    assert.equal(credentials.permissions, "0400");
    assert.match(String(credentials.content), /^\[default\]\naws_access_key_id = AKIA\w{16}\naws_secret_access_key = secret-of-/);
    const prometheus = run.named("ananta-prod-prometheus");
    assert.deepEqual(prometheus.inputs.envs, [`AWS_SHARED_CREDENTIALS_FILE=${MOUNTS.prometheus}/current/${AWS_CREDENTIALS}`]);
    for (const r of run.resources) {
      const plain = JSON.stringify(r.inputs, (_k, v) => (isWrappedSecret(v) ? "[secret]" : v));
      assert.doesNotMatch(plain, /AKIA\w{16}|secret-of-/, `${r.name} holds the key outside a secret`);
      assert.deepEqual(sentinelsIn(plain), [], r.name);
    }
  });

  it("gives the Prometheus container a prometheus.yml that remote-writes to the workspace with SigV4 and sends no alert", () => {
    const prom = parseYaml(String(uploaded(run.named("ananta-prod-prometheus-sync"), "prometheus.yml")!.content));
    assert.deepEqual(
      prom.remote_write.map((w: { url: string; sigv4: unknown }) => [w.url, w.sigv4]),
      [[`${ENDPOINT}api/v1/remote_write`, { region: "us-east-1" }]],
    );
    assert.equal(prom.alerting, undefined);
  });

  it("runs no Alertmanager on the Docker host (AMP's sends), and says so in the outputs", () => {
    const names = run.ofType(T.container).map((c) => c.name);
    assert.deepEqual(names.filter((n) => n.includes("alertmanager")), []);
    assert.ok(names.includes("ananta-prod-prometheus") && names.includes("ananta-prod-grafana"));
    assert.equal(run.values.alertmanagerUrl, undefined);
    assert.equal(run.values.alertmanagerUrls, undefined);
  });

  it("with HA hosts, runs a remote-writing replica per host and no peer or gossip port; the replicas' APIs over TLS", async () => {
    const hosts = [
      { name: "a", host: "ssh://ops@mon-a.internal", address: "10.0.0.1" },
      { name: "b", host: "ssh://ops@mon-b.internal", address: "10.0.0.2" },
    ];
    const { config } = withAmp({ enabled: true });
    const ha = await runProgram("prod", { secrets: PROD_SECRETS, config: { ...config, docker: { hosts } } });
    const names = ha.ofType(T.container).map((c) => c.name);
    assert.deepEqual(names.filter((n) => n.includes("alertmanager")), []);
    assert.deepEqual(ha.resources.filter((r) => r.type === "tls:index/certRequest:CertRequest").map((r) => r.name).sort(), ["ananta-prod-a-cluster-csr", "ananta-prod-b-cluster-csr"]);
    const ports = ha.ofType(T.container).flatMap((c) => (c.inputs.ports as { internal: number }[] | undefined) ?? []);
    assert.ok(ports.length > 0 && ports.every((p) => p.internal !== 9094), "no gossip port");
    for (const h of hosts) {
      const prom = parseYaml(String(uploaded(ha.named(`ananta-prod-${h.name}-prometheus-sync`), "prometheus.yml")!.content));
      assert.deepEqual(prom.global.external_labels, { environment: "prod", cluster: "ananta-prod", __replica__: h.name });
      assert.equal(prom.remote_write[0].url, `${ENDPOINT}api/v1/remote_write`);
      assert.equal(prom.scrape_configs.find((j: { job_name: string }) => j.job_name === "prometheus").scheme, "https");
    }
  });

  it("with an existing workspace, creates none and fills that one", async () => {
    const existing = "ws-99999999-8888-7777-6666-555555555555";
    const other = await runProgram("prod", withAmp({ enabled: true, workspaceId: existing }));
    assert.deepEqual(other.ofType(T.workspace), []);
    assert.ok(other.ofType(T.namespace).every((n) => n.inputs.workspaceId === existing));
    assert.equal(other.ofType(T.definition)[0].inputs.workspaceId, existing);
    const policy = other.ofType(T.userPolicy)[0];
    assert.equal(statements(policy)[0].Resource, `arn:aws:aps:us-east-1:123456789012:workspace/${existing}`);
    const prom = parseYaml(String(uploaded(other.named("ananta-prod-prometheus-sync"), "prometheus.yml")!.content));
    assert.equal(prom.remote_write[0].url, `https://aps-workspaces.us-east-1.amazonaws.com/workspaces/${existing}/api/v1/remote_write`);
  });
});
