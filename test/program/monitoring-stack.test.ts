// The Docker monitoring stack under Pulumi mocks, for each stack file: which containers run
// with which images, files, volumes, ports and health checks; that secrets reach containers
// only as Pulumi secrets in 0400 files; and that a config change changes what Pulumi diffs.
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { GRAFANA_ADMIN_PASSWORD_FILE, USERS } from "../../components/docker-services";
import { renderFiles } from "../../monitoring/files";
import { ALERTMANAGER_SECRETS_DIR, DOCKER_PEERS, alertmanagerSecretFiles, containerPath } from "../../monitoring/layout";
import { PROD_SECRETS, ProgramOptions, ProgramRun, Registered, isWrappedSecret, redactSecrets, runProgram, unwrapSecrets } from "../helpers/pulumi-program";
import { SENTINEL, sentinelsIn } from "../helpers/sentinels";
import { settingsOf } from "../helpers/tools";

const CONTAINER = "docker:index/container:Container";

interface Upload {
  file: string;
  content: unknown;
  permissions?: string;
  owner?: string;
  group?: string;
}
interface ContainerInputs {
  name: string;
  image: string;
  user?: string;
  restart: string;
  command?: string[];
  envs?: string[];
  ports?: { internal: number; external: number; ip: string }[];
  volumes: { volumeName?: string; hostPath?: string; containerPath: string; readOnly?: boolean }[];
  networksAdvanced: { name: string; aliases: string[] }[];
  uploads: Upload[];
  labels: { label: string; value: string }[];
  healthcheck: { tests: string[] };
}

const inputsOf = (r: Registered) => r.inputs as unknown as ContainerInputs;
/** Uploads by container path, secret contents unwrapped (a secret upload makes the whole list secret). */
const uploadsOf = (r: Registered) => new Map((unwrapSecrets(r.inputs.uploads) as Upload[]).map((u) => [u.file, u]));
const label = (r: Registered, key: string) => inputsOf(r).labels.find((l) => l.label === key)?.value;

const STACKS: { stack: string; options: ProgramOptions }[] = [
  { stack: "dev", options: {} },
  { stack: "prod", options: { secrets: PROD_SECRETS } },
];

for (const { stack, options } of STACKS) {
  describe(`MonitoringStack (${stack} stack)`, () => {
    const settings = settingsOf(stack);
    const tree = renderFiles(settings);
    const prefix = `ananta-${settings.environment}`;
    let run: ProgramRun;
    const container = (role: string) => run.named(`${prefix}-${role}`);

    before(async () => {
      run = await runProgram(stack, options);
    });

    it("runs Prometheus, Alertmanager, Grafana and both exporters from the pinned images", () => {
      const images = run.ofType("docker:index/remoteImage:RemoteImage");
      const i = settings.docker.images;
      assert.deepEqual(images.map((r) => r.inputs.name).sort(), [i.alertmanager, i.cadvisor, i.grafana, i.nodeExporter, i.prometheus].sort());
      const containers = run.ofType(CONTAINER);
      assert.deepEqual(containers.map((c) => c.name).sort(), ["alertmanager", "cadvisor", "grafana", "node-exporter", "prometheus"].map((r) => `${prefix}-${r}`));
      for (const c of containers) {
        assert.equal(inputsOf(c).image, `sha256:${c.name}-image`, `${c.name} runs its own pinned image`);
        assert.equal(inputsOf(c).restart, "unless-stopped");
      }
    });

    it("joins every container to one network under its DOCKER_PEERS alias", () => {
      const [network] = run.ofType("docker:index/network:Network");
      const peers: Record<string, string> = { prometheus: DOCKER_PEERS.prometheus, alertmanager: DOCKER_PEERS.alertmanager, grafana: DOCKER_PEERS.grafana, "node-exporter": DOCKER_PEERS.nodeExporter, cadvisor: DOCKER_PEERS.cadvisor };
      for (const [role, peer] of Object.entries(peers)) {
        assert.deepEqual(inputsOf(container(role)).networksAdvanced, [{ name: network.inputs.name, aliases: [peer.split(":")[0]] }], role);
        assert.ok(inputsOf(container(role)).healthcheck.tests.some((t) => t.startsWith(`http://127.0.0.1:${peer.split(":")[1]}/`)), `${role} health check on its port`);
      }
    });

    it("publishes only the three UIs, on docker.bindAddress", () => {
      const d = settings.docker;
      const expected: Record<string, [number, number]> = { prometheus: [9090, d.ports.prometheus], alertmanager: [9093, d.ports.alertmanager], grafana: [3000, d.ports.grafana] };
      for (const c of run.ofType(CONTAINER)) {
        const role = c.name.slice(prefix.length + 1);
        const want = expected[role];
        assert.deepEqual(inputsOf(c).ports, want ? [{ internal: want[0], external: want[1], ip: d.bindAddress }] : undefined, role);
      }
      assert.equal(run.values.prometheusUrl, `http://${d.bindAddress}:${d.ports.prometheus}`);
      assert.equal(run.values.alertmanagerUrl, `http://${d.bindAddress}:${d.ports.alertmanager}`);
      assert.equal(run.values.grafanaUrl, `http://${d.bindAddress}:${d.ports.grafana}`);
    });

    it("keeps Prometheus, Alertmanager and Grafana data on named volumes", () => {
      const volumes = run.ofType("docker:index/volume:Volume").map((v) => v.inputs.name);
      const mounts: Record<string, string> = { prometheus: "/prometheus", alertmanager: "/alertmanager", grafana: "/var/lib/grafana" };
      assert.deepEqual(volumes.sort(), Object.keys(mounts).map((r) => `${prefix}-${r}-data`).sort());
      for (const [role, path] of Object.entries(mounts)) {
        assert.deepEqual(inputsOf(container(role)).volumes, [{ volumeName: `${prefix}-${role}-data`, containerPath: path }], role);
      }
    });

    it("checks health on each service's readiness endpoint", () => {
      const paths: Record<string, string> = { prometheus: "/-/healthy", alertmanager: "/-/healthy", grafana: "/api/health", "node-exporter": "/", cadvisor: "/healthz" };
      for (const [role, path] of Object.entries(paths)) {
        const tests = inputsOf(container(role)).healthcheck.tests;
        assert.equal(tests[0], "CMD");
        assert.ok(tests.at(-1)?.endsWith(path), `${role}: ${tests.join(" ")}`);
      }
    });

    it("uploads every rendered file to the container that reads it, at its container path", () => {
      const owners: Record<string, string> = { prometheus: "prometheus", alertmanager: "alertmanager", grafana: "grafana" };
      for (const [file, content] of Object.entries(tree)) {
        const role = owners[file.split("/")[0]];
        assert.ok(role, `${file} belongs to a container`);
        assert.equal(uploadsOf(container(role)).get(containerPath(file))?.content, content, `${file} uploaded to ${role}`);
      }
    });

    it("keeps Prometheus's uploads plain, so a preview shows their diff", () => {
      assert.ok(!isWrappedSecret(container("prometheus").inputs.uploads));
      assert.ok(Array.isArray(container("prometheus").inputs.uploads));
    });

    it("starts Prometheus on the uploaded config with the configured retention", () => {
      const command = inputsOf(container("prometheus")).command ?? [];
      const r = settings.docker.retention;
      assert.ok(command.includes(`--config.file=${containerPath("prometheus/prometheus.yml")}`));
      assert.ok(command.includes(`--storage.tsdb.retention.time=${r.time}`));
      assert.equal(command.includes(`--storage.tsdb.retention.size=${r.size}`), r.size !== undefined);
      assert.ok(inputsOf(container("alertmanager")).command?.includes(`--config.file=${containerPath("alertmanager/alertmanager.yml")}`));
    });

    it("gives Alertmanager each secret file its config names, 0400 and owned by the user it runs as", () => {
      const am = container("alertmanager");
      const expected = alertmanagerSecretFiles(settings);
      assert.equal(expected.length > 0, stack === "prod");
      const [uid, gid] = USERS.alertmanager.split(":");
      assert.equal(inputsOf(am).user, USERS.alertmanager);
      const secretUploads = [...uploadsOf(am).values()].filter((u) => u.file.startsWith(`${ALERTMANAGER_SECRETS_DIR}/`));
      assert.deepEqual(secretUploads.map((u) => u.file).sort(), expected.map((s) => `${ALERTMANAGER_SECRETS_DIR}/${s.file}`).sort());
      assert.equal(isWrappedSecret(am.inputs.uploads), expected.length > 0, "uploads carrying secret files are a Pulumi secret");
      for (const u of secretUploads) assert.deepEqual([u.permissions, u.owner, u.group], ["0400", uid, gid], u.file);
      const config = tree["alertmanager/alertmanager.yml"];
      for (const s of expected) assert.ok(config.includes(`${ALERTMANAGER_SECRETS_DIR}/${s.file}`), `config reads ${s.file}`);
    });

    it("passes the Grafana admin password as a secret 0400 file, with sign-up and anonymous access off", async () => {
      const grafana = container("grafana");
      const envs = inputsOf(grafana).envs ?? [];
      assert.ok(envs.includes(`GF_SECURITY_ADMIN_PASSWORD__FILE=${GRAFANA_ADMIN_PASSWORD_FILE}`));
      assert.ok(envs.includes("GF_USERS_ALLOW_SIGN_UP=false") && envs.includes("GF_AUTH_ANONYMOUS_ENABLED=false"));
      assert.ok(!envs.some((e) => e.startsWith("GF_SECURITY_ADMIN_PASSWORD=")));
      const upload = uploadsOf(grafana).get(GRAFANA_ADMIN_PASSWORD_FILE);
      assert.ok(upload && isWrappedSecret(grafana.inputs.uploads), "uploads carrying the password file are a Pulumi secret");
      assert.deepEqual([upload.permissions, `${upload.owner}:${upload.group}`, inputsOf(grafana).user], ["0400", USERS.grafana, USERS.grafana]);
      assert.ok(await pulumi.isSecret(pulumi.output(run.outputs.grafanaAdminPassword as pulumi.Output<string>)), "stack output is secret");
      assert.equal(upload.content, run.values.grafanaAdminPassword);
    });

    it("keeps every secret value wrapped: none in env, command, labels or any other input", () => {
      const seen = new Set<string>();
      for (const r of run.resources) {
        assert.deepEqual(sentinelsIn(JSON.stringify(redactSecrets(r.inputs))), [], `${r.type} ${r.name}`);
        for (const s of sentinelsIn(JSON.stringify(unwrapSecrets(r.inputs)))) seen.add(s);
      }
      for (const c of run.ofType(CONTAINER)) {
        const { envs, command, labels } = unwrapSecrets(c.inputs) as ContainerInputs;
        assert.deepEqual(sentinelsIn(JSON.stringify({ envs, command, labels })), [], c.name);
      }
      // The secrets are there, only wrapped: each secret file holds its sentinel value.
      const am = uploadsOf(container("alertmanager"));
      for (const f of alertmanagerSecretFiles(settings)) assert.deepEqual(sentinelsIn(String(am.get(`${ALERTMANAGER_SECRETS_DIR}/${f.file}`)?.content)).length, 1, f.file);
      if (stack === "prod") assert.ok(seen.has(SENTINEL.grafanaAdminPassword) && seen.has(SENTINEL.pagerdutyKey));
    });
  });
}

describe("MonitoringStack changes and options", () => {
  it("a new alert threshold changes Prometheus's uploads and files digest, and nothing else's", async () => {
    const before = await runProgram("dev");
    const after = await runProgram("dev", { config: { alerts: { highErrorRatio: 0.02 } } });
    const prometheus = "ananta-dev-prometheus";
    assert.notDeepEqual(after.named(prometheus).inputs.uploads, before.named(prometheus).inputs.uploads);
    assert.notEqual(label(after.named(prometheus), "ananta.files-sha256"), label(before.named(prometheus), "ananta.files-sha256"));
    for (const role of ["alertmanager", "grafana", "node-exporter", "cadvisor"]) {
      const name = `ananta-dev-${role}`;
      assert.deepEqual(after.named(name).inputs.uploads, before.named(name).inputs.uploads, role);
    }
  });

  it("an Alertmanager config change shows in its files digest though its uploads are secret", async () => {
    const before = await runProgram("prod", { secrets: PROD_SECRETS });
    const after = await runProgram("prod", { secrets: PROD_SECRETS, config: { alertmanager: { groupWait: "1m" } } });
    const am = "ananta-prod-alertmanager";
    assert.ok(isWrappedSecret(after.named(am).inputs.uploads));
    assert.notEqual(label(after.named(am), "ananta.files-sha256"), label(before.named(am), "ananta.files-sha256"));
    assert.equal(label(after.named("ananta-prod-prometheus"), "ananta.files-sha256"), label(before.named("ananta-prod-prometheus"), "ananta.files-sha256"));
  });

  it("a changed secret changes Alertmanager's (secret) upload", async () => {
    const a = await runProgram("prod", { secrets: PROD_SECRETS });
    const b = await runProgram("prod", { secrets: { ...PROD_SECRETS, pagerdutyKey: `${SENTINEL.pagerdutyKey}-rotated` } });
    const file = `${ALERTMANAGER_SECRETS_DIR}/pagerduty_routing_key`;
    const content = (r: ProgramRun) => uploadsOf(r.named("ananta-prod-alertmanager")).get(file)?.content;
    assert.equal(content(a), SENTINEL.pagerdutyKey);
    assert.equal(content(b), `${SENTINEL.pagerdutyKey}-rotated`);
  });

  it("generates the Grafana admin password when none is configured, and uses the configured one otherwise", async () => {
    const generated = await runProgram("prod", { secrets: { ...PROD_SECRETS, grafanaAdminPassword: undefined } });
    assert.equal(generated.ofType("random:index/randomPassword:RandomPassword").length, 1);
    assert.equal(generated.values.grafanaAdminPassword, "random-ananta-prod-grafana-admin-password");
    const configured = await runProgram("prod", { secrets: PROD_SECRETS });
    assert.equal(configured.ofType("random:index/randomPassword:RandomPassword").length, 0);
    assert.equal(configured.values.grafanaAdminPassword, SENTINEL.grafanaAdminPassword);
  });

  it("runs the exporters only when enabled, and binds ports where docker.bindAddress says", async () => {
    const run = await runProgram("dev", { config: { docker: { bindAddress: "10.1.2.3", exporters: { nodeExporter: false, cadvisor: false } } } });
    assert.deepEqual(run.ofType(CONTAINER).map((c) => c.name).sort(), ["ananta-dev-alertmanager", "ananta-dev-grafana", "ananta-dev-prometheus"]);
    assert.deepEqual(run.ofType(CONTAINER).flatMap((c) => inputsOf(c).ports?.map((p) => p.ip) ?? []), ["10.1.2.3", "10.1.2.3", "10.1.2.3"]);
    assert.equal(run.values.grafanaUrl, "http://10.1.2.3:3001");
  });
});
