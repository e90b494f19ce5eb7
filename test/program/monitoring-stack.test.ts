// The Docker monitoring stack under Pulumi mocks, for each stack file: which containers run
// with which images, flags, volumes, ports and health checks; that generated files and secrets
// reach the services only through their sync containers (secrets as Pulumi secrets, 0400);
// and that a change of rules, routes or secrets changes a sync container and never a service.
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { GRAFANA_ADMIN_PASSWORD, USERS } from "../../monitoring/docker/services";
import { renderFiles } from "../../monitoring/files";
import { ALERTMANAGER_SECRETS_DIR, DOCKER_PEERS, MOUNTS, STAGING, alertmanagerSecretFiles, containerPath, ownerOf } from "../../monitoring/layout";
import { PROD_SECRETS, ProgramOptions, ProgramRun, Registered, isWrappedSecret, redactSecrets, runProgram, unwrapSecrets } from "../helpers/pulumi-program";
import { SENTINEL, sentinelsIn } from "../helpers/sentinels";
import { settingsOf } from "../helpers/tools";

const CONTAINER = "docker:index/container:Container";

interface Upload {
  file: string;
  content: unknown;
  permissions?: string;
}
interface ContainerInputs {
  name?: string;
  image: string;
  user?: string;
  restart?: string;
  networkMode?: string;
  hosts?: { host: string; ip: string }[];
  command?: string[];
  entrypoints?: string[];
  envs?: string[];
  ports?: { internal: number; external: number; ip: string }[];
  volumes: { volumeName?: string; hostPath?: string; containerPath: string; readOnly?: boolean }[];
  networksAdvanced: { name: string; aliases?: string[] }[];
  uploads?: Upload[];
  labels: { label: string; value: string }[];
  healthcheck?: { tests: string[] };
  mustRun?: boolean;
  stopTimeout?: number;
  destroyGraceSeconds?: number;
}

const inputsOf = (r: Registered) => r.inputs as unknown as ContainerInputs;
/** Uploads by container path, secret contents unwrapped (a secret upload makes the whole list secret). */
const uploadsOf = (r: Registered) => new Map((unwrapSecrets(r.inputs.uploads) as Upload[]).map((u) => [u.file, u]));
const label = (r: Registered, key: string) => inputsOf(r).labels.find((l) => l.label === key)?.value;
/** The staged path of a rendered file in its sync container. */
const staged = (file: string) => `${STAGING}/${ownerOf(file).path}`;

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
    const sync = (service: string) => run.named(`${prefix}-${service}-sync`);
    const reload = (service: string) => run.named(`${prefix}-${service}-reload`);
    const services = () => run.ofType(CONTAINER).filter((c) => inputsOf(c).mustRun !== false);

    before(async () => {
      run = await runProgram(stack, options);
    });

    it("runs Prometheus, Alertmanager, Grafana and both exporters from the pinned images, and a sync container for each configured service", () => {
      const images = run.ofType("docker:index/remoteImage:RemoteImage");
      const i = settings.docker.images;
      assert.deepEqual(images.map((r) => r.inputs.name).sort(), [i.alertmanager, i.cadvisor, i.grafana, i.nodeExporter, i.prometheus, i.curl].sort());
      assert.deepEqual(services().map((c) => c.name).sort(), ["alertmanager", "cadvisor", "grafana", "node-exporter", "prometheus"].map((r) => `${prefix}-${r}`));
      for (const c of services()) {
        assert.equal(inputsOf(c).image, `sha256:${c.name}-image`, `${c.name} runs its own pinned image`);
        assert.equal(inputsOf(c).restart, "unless-stopped");
      }
      for (const s of ["prometheus", "alertmanager", "grafana"]) {
        const c = inputsOf(sync(s));
        assert.equal(c.image, `sha256:${prefix}-${s}-image`, `${s} is synced by its own official image (its tools and shell)`);
        assert.deepEqual([c.mustRun, sync(s).inputs.attach, sync(s).inputs.logs], [false, true, true], `${s} sync runs once`);
        assert.notEqual(sync(s).inputs.rm, true, `${s} sync stays in the state once it exited`);
        assert.deepEqual(c.entrypoints, ["/bin/sh", "-c"]);
        const r = inputsOf(reload(s));
        assert.equal(r.image, `sha256:${prefix}-curl-image`, `${s} is reloaded from the curl image`);
        assert.deepEqual([r.mustRun, reload(s).inputs.attach, reload(s).inputs.logs], [false, true, true], `${s} reload runs once`);
      }
    });

    it("joins every container to one network under its DOCKER_PEERS alias", () => {
      const [network] = run.ofType("docker:index/network:Network");
      const peers: Record<string, string> = { prometheus: DOCKER_PEERS.prometheus, alertmanager: DOCKER_PEERS.alertmanager, grafana: DOCKER_PEERS.grafana, "node-exporter": DOCKER_PEERS.nodeExporter, cadvisor: DOCKER_PEERS.cadvisor };
      for (const [role, peer] of Object.entries(peers)) {
        assert.deepEqual(inputsOf(container(role)).networksAdvanced, [{ name: network.inputs.name, aliases: [peer.split(":")[0]] }], role);
        assert.ok(inputsOf(container(role)).healthcheck!.tests.some((t) => t.startsWith(`http://127.0.0.1:${peer.split(":")[1]}/`)), `${role} health check on its port`);
      }
      for (const s of ["prometheus", "alertmanager", "grafana"]) {
        assert.deepEqual(inputsOf(reload(s)).networksAdvanced, [{ name: network.inputs.name }], `${s} reload reaches its service`);
        assert.equal(inputsOf(sync(s)).networkMode, "none", `${s} stage reaches nothing`);
      }
    });

    it("names the Docker host host.docker.internal in Prometheus and Alertmanager, as Docker Desktop does (Linux engines need the entry)", () => {
      for (const role of ["prometheus", "alertmanager"]) assert.deepEqual(inputsOf(container(role)).hosts, [{ host: "host.docker.internal", ip: "host-gateway" }], role);
      assert.equal(inputsOf(container("node-exporter")).hosts, undefined);
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

    it("keeps data on named volumes and reads configuration from a read-only config volume its sync container writes", () => {
      const volumes = run.ofType("docker:index/volume:Volume").map((v) => v.inputs.name);
      const data: Record<string, string> = { prometheus: "/prometheus", alertmanager: "/alertmanager", grafana: "/var/lib/grafana" };
      assert.deepEqual(volumes.sort(), Object.keys(data).flatMap((r) => [`${prefix}-${r}-data`, `${prefix}-${r}-config`]).sort());
      for (const [role, path] of Object.entries(data)) {
        const mount = MOUNTS[role as keyof typeof MOUNTS];
        assert.deepEqual(inputsOf(container(role)).volumes, [{ volumeName: `${prefix}-${role}-data`, containerPath: path }, { volumeName: `${prefix}-${role}-config`, containerPath: mount, readOnly: true }], role);
        assert.deepEqual(inputsOf(sync(role)).volumes, [{ volumeName: `${prefix}-${role}-config`, containerPath: mount }], `${role} sync writes it`);
        assert.deepEqual(inputsOf(reload(role)).volumes, inputsOf(sync(role)).volumes, `${role} reload may switch it back`);
      }
    });

    it("checks health on readiness (rules and configuration loaded), and stops gracefully", () => {
      const paths: Record<string, string> = { prometheus: "/-/ready", alertmanager: "/-/ready", grafana: "/api/health", "node-exporter": "/", cadvisor: "/healthz" };
      for (const [role, path] of Object.entries(paths)) {
        const c = inputsOf(container(role));
        assert.equal(c.healthcheck!.tests[0], "CMD");
        assert.ok(c.healthcheck!.tests.at(-1)?.endsWith(path), `${role}: ${c.healthcheck!.tests.join(" ")}`);
        assert.ok(c.stopTimeout! >= 10 && c.destroyGraceSeconds! >= 10, `${role} gets at least 10 s to stop`);
      }
    });

    it("stages every rendered file in the sync container of the service that reads it", () => {
      for (const [file, content] of Object.entries(tree)) {
        const { service } = ownerOf(file);
        assert.equal(uploadsOf(sync(service)).get(staged(file))?.content, content, `${file} staged for ${service}`);
      }
      for (const c of services()) assert.equal(c.inputs.uploads, undefined, `${c.name} receives no uploads: its inputs do not change with its files`);
    });

    it("syncs Prometheus's files in plain view (a preview shows their diff), named by their digest", () => {
      assert.ok(!isWrappedSecret(sync("prometheus").inputs.uploads));
      assert.match(label(sync("prometheus"), "ananta.files-sha256") ?? "", /^[0-9a-f]{64}$/);
    });

    it("checks with the service's own tool before switching, and reloads through the API", () => {
      const script = (s: string) => inputsOf(sync(s)).command!.join("");
      const reloads = (s: string) => inputsOf(reload(s)).command!.join("");
      assert.match(script("prometheus"), /promtool check config "\$new\/prometheus\.yml"/);
      assert.match(reloads("prometheus"), /--request POST 'http:\/\/prometheus:9090\/-\/reload'/);
      assert.match(script("alertmanager"), /amtool check-config "\$new\/alertmanager\.yml"/);
      assert.match(reloads("alertmanager"), /'http:\/\/alertmanager:9093\/-\/reload'/);
      assert.match(reloads("grafana"), /'http:\/\/grafana:3000\/api\/admin\/provisioning\/dashboards\/reload'/);
      assert.match(reloads("grafana"), /printf 'user = "%s:%s"\\n' 'admin' "\$\(sed .*secrets\/admin_password"\)" \| curl --config -/, "Grafana's admin password on curl's input");
      assert.ok(script("prometheus").indexOf("promtool check config") < script("prometheus").indexOf('ln -sfn "$version"'), "checked before it goes live");
      assert.equal(label(reload("prometheus"), "ananta.stage"), `${prefix}-prometheus-sync-id`, "a new stage runs the reload again");
      assert.ok(inputsOf(container("prometheus")).command!.includes("--web.enable-lifecycle"));
    });

    it("starts Prometheus on the live config with the configured retention", () => {
      const command = inputsOf(container("prometheus")).command ?? [];
      const r = settings.docker.retention;
      assert.ok(command.includes(`--config.file=${containerPath("prometheus/prometheus.yml")}`));
      assert.equal(containerPath("prometheus/prometheus.yml"), "/etc/prometheus/current/prometheus.yml");
      assert.ok(command.includes(`--storage.tsdb.retention.time=${r.time}`));
      assert.equal(command.includes(`--storage.tsdb.retention.size=${r.size}`), r.size !== undefined);
      assert.ok(inputsOf(container("alertmanager")).command?.includes(`--config.file=${containerPath("alertmanager/alertmanager.yml")}`));
    });

    it("stages each secret file Alertmanager's config names as a Pulumi secret, made 0400 and given to the user it runs as", () => {
      const am = sync("alertmanager");
      const expected = alertmanagerSecretFiles(settings);
      assert.equal(expected.length > 0, stack === "prod");
      assert.equal(inputsOf(container("alertmanager")).user, USERS.alertmanager);
      const secretUploads = [...uploadsOf(am).values()].filter((u) => u.file.startsWith(`${STAGING}/secrets/`));
      assert.deepEqual(secretUploads.map((u) => u.file).sort(), expected.map((s) => `${STAGING}/secrets/${s.file}`).sort());
      assert.equal(isWrappedSecret(am.inputs.uploads), expected.length > 0, "uploads carrying secret files are a Pulumi secret");
      for (const u of secretUploads) assert.equal(u.permissions, "0400", u.file);
      const script = inputsOf(am).command!.join("");
      assert.match(script, new RegExp(`chown -R '${USERS.alertmanager}' "\\$new"`));
      assert.match(script, /chmod 0400 "\$f"/);
      const config = tree["alertmanager/alertmanager.yml"];
      for (const s of expected) assert.ok(config.includes(`${ALERTMANAGER_SECRETS_DIR}/${s.file}`), `config reads ${s.file}`);
    });

    it("passes the Grafana admin password as a secret 0400 file, with sign-up and anonymous access off", async () => {
      const grafana = container("grafana");
      const envs = inputsOf(grafana).envs ?? [];
      assert.ok(envs.includes(`GF_SECURITY_ADMIN_PASSWORD__FILE=${MOUNTS.grafana}/current/${GRAFANA_ADMIN_PASSWORD}`));
      assert.ok(envs.includes("GF_USERS_ALLOW_SIGN_UP=false") && envs.includes("GF_AUTH_ANONYMOUS_ENABLED=false"));
      assert.ok(!envs.some((e) => e.startsWith("GF_SECURITY_ADMIN_PASSWORD=")));
      const upload = uploadsOf(sync("grafana")).get(`${STAGING}/${GRAFANA_ADMIN_PASSWORD}`);
      assert.ok(upload && isWrappedSecret(sync("grafana").inputs.uploads), "uploads carrying the password file are a Pulumi secret");
      assert.deepEqual([upload.permissions, inputsOf(grafana).user], ["0400", USERS.grafana]);
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
      // The secrets are there, only wrapped: each staged secret file holds its sentinel value.
      const am = uploadsOf(sync("alertmanager"));
      for (const f of alertmanagerSecretFiles(settings)) assert.deepEqual(sentinelsIn(String(am.get(`${STAGING}/secrets/${f.file}`)?.content)).length, 1, f.file);
      if (stack === "prod") assert.ok(seen.has(SENTINEL.grafanaAdminPassword) && seen.has(SENTINEL.pagerdutyKey));
    });

    it("reports what each sync step made live", () => {
      assert.deepEqual(Object.keys(run.values.configuration as object).sort(), ["alertmanager", "grafana", "prometheus"]);
    });
  });
}

describe("MonitoringStack changes and options", () => {
  const services = (r: ProgramRun) => r.ofType(CONTAINER).filter((c) => inputsOf(c).mustRun !== false);

  it("a changed threshold and repeat interval (prod) leave every service container as it was; only their sync containers change", async () => {
    const before = await runProgram("prod", { secrets: PROD_SECRETS });
    const after = await runProgram("prod", { secrets: PROD_SECRETS, config: { alerts: { highErrorRatio: 0.02 }, alertmanager: { repeatInterval: { warning: "8h" } } } });
    for (const c of services(before)) assert.deepEqual(unwrapSecrets(after.named(c.name).inputs), unwrapSecrets(c.inputs), `${c.name} has the same inputs`);
    const digest = (r: ProgramRun, s: string) => label(r.named(`ananta-prod-${s}-sync`), "ananta.files-sha256");
    assert.notEqual(digest(after, "prometheus"), digest(before, "prometheus"), "the new threshold is in Prometheus's sync");
    assert.notEqual(digest(after, "alertmanager"), digest(before, "alertmanager"), "the new interval is in Alertmanager's sync");
    assert.equal(digest(after, "grafana"), digest(before, "grafana"));
  });

  it("a rotated secret reaches Alertmanager's sync container, and no service container", async () => {
    const a = await runProgram("prod", { secrets: PROD_SECRETS });
    const b = await runProgram("prod", { secrets: { ...PROD_SECRETS, pagerdutyKey: `${SENTINEL.pagerdutyKey}-rotated` } });
    const file = `${STAGING}/secrets/pagerduty_routing_key`;
    const content = (r: ProgramRun) => uploadsOf(r.named("ananta-prod-alertmanager-sync")).get(file)?.content;
    assert.equal(content(a), SENTINEL.pagerdutyKey);
    assert.equal(content(b), `${SENTINEL.pagerdutyKey}-rotated`);
    for (const c of services(a)) assert.deepEqual(unwrapSecrets(b.named(c.name).inputs), unwrapSecrets(c.inputs), c.name);
  });

  it("an image upgrade changes the service container (it must be replaced) and keeps its data volume", async () => {
    const a = await runProgram("dev");
    const b = await runProgram("dev", { config: { docker: { images: { prometheus: "prom/prometheus:v3.6.0" } } } });
    assert.notDeepEqual(b.named("ananta-dev-prometheus-image").inputs, a.named("ananta-dev-prometheus-image").inputs);
    assert.deepEqual(b.named("ananta-dev-prometheus-data").inputs, a.named("ananta-dev-prometheus-data").inputs);
  });

  it("fails `pulumi up` with the tool's message when a sync step refuses its files", async () => {
    const run = await runProgram("dev", {
      syncFailure: { service: "prometheus", logs: 'FAILED: parsing YAML file /etc/prometheus/v1/rules/critical.yml: 1:1: group "x": could not parse expression\nprometheus: refused the new configuration; the running one is unchanged' },
    }).catch((e: Error) => e);
    assert.ok(run instanceof Error, "the stack outputs fail");
    assert.match(run.message, /prometheus: the new configuration was not made live \(sync exited 1\):\nFAILED: parsing YAML file .*could not parse expression/);
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
    assert.deepEqual(services(run).map((c) => c.name).sort(), ["ananta-dev-alertmanager", "ananta-dev-grafana", "ananta-dev-prometheus"]);
    assert.deepEqual(services(run).flatMap((c) => inputsOf(c).ports?.map((p) => p.ip) ?? []), ["10.1.2.3", "10.1.2.3", "10.1.2.3"]);
    assert.equal(run.values.grafanaUrl, "http://10.1.2.3:3001");
  });
});
