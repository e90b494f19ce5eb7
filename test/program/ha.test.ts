// The HA Docker stack under Pulumi mocks: three hosts, each with a Prometheus replica and an
// Alertmanager peer, gossip over mutual TLS, the APIs behind basic auth over TLS, nothing published on
// every interface, and no secret outside Pulumi secrets.
import * as assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { TLS_FILES } from "../../monitoring/tls";
import { API_PASSWORD, API_USER, WEB_CONFIG } from "../../monitoring/api-auth";
import { MOUNTS, STAGING } from "../../monitoring/layout";
import { PROD_SECRETS, ProgramRun, Registered, isWrappedSecret, runProgram, unwrapSecrets } from "../helpers/pulumi-program";
import { SENTINEL_VALUES } from "../helpers/sentinels";

const CONTAINER = "docker:index/container:Container";
const HOSTS = [
  { name: "a", host: "ssh://ops@mon-a.internal", address: "10.0.0.1" },
  { name: "b", host: "ssh://ops@mon-b.internal", address: "10.0.0.2" },
  { name: "c", host: "ssh://ops@mon-c.internal", address: "10.0.0.3" },
];

interface ContainerInputs {
  command?: string[];
  ports?: { internal: number; external: number; ip: string; protocol?: string }[];
  uploads?: { file: string; content: unknown; permissions?: string }[];
  healthcheck?: { tests: string[] };
  mustRun?: boolean;
  networkMode?: string;
  image?: string;
}
const inputsOf = (r: Registered) => unwrapSecrets(r.inputs) as ContainerInputs;
const upload = (r: Registered, file: string) => inputsOf(r).uploads?.find((u) => u.file === `${STAGING}/${file}`);
const flag = (r: Registered, name: string) => (inputsOf(r).command ?? []).filter((c) => c.startsWith(`--${name}=`)).map((c) => c.slice(name.length + 3));

describe("MonitoringStack with docker.hosts (HA, prod stack, three hosts)", () => {
  let run: ProgramRun;
  before(async () => {
    run = await runProgram("prod", { secrets: PROD_SECRETS, config: { docker: { hosts: HOSTS } } });
  });

  it("talks to each host through its own Docker provider", () => {
    const providers = run.ofType("pulumi:providers:docker");
    assert.deepEqual(providers.map((p) => p.inputs.host).sort(), HOSTS.map((h) => h.host));
  });

  it("runs a Prometheus replica and an Alertmanager peer on every host, Grafana on the first", () => {
    const services = run.ofType(CONTAINER).filter((c) => inputsOf(c).mustRun !== false).map((c) => c.name);
    for (const h of HOSTS) {
      assert.ok(services.includes(`ananta-prod-${h.name}-prometheus`), `${h.name}: prometheus`);
      assert.ok(services.includes(`ananta-prod-${h.name}-alertmanager`), `${h.name}: alertmanager`);
    }
    assert.deepEqual(services.filter((s) => s.endsWith("-grafana")), ["ananta-prod-a-grafana"]);
  });

  it("makes the peers one gossip cluster over mutual TLS: advertise address, every other peer, the TLS file", () => {
    for (const h of HOSTS) {
      const am = run.named(`ananta-prod-${h.name}-alertmanager`);
      assert.deepEqual(flag(am, "cluster.advertise-address"), [`${h.address}:9094`]);
      assert.deepEqual(flag(am, "cluster.peer").sort(), HOSTS.filter((o) => o !== h).map((o) => `${o.address}:9094`));
      assert.deepEqual(flag(am, "cluster.tls-config"), [`${MOUNTS.alertmanager}/current/cluster-tls.yml`]);
      assert.deepEqual(flag(am, "cluster.peer-timeout"), ["15s"]);
      assert.deepEqual(flag(am, "cluster.listen-address"), ["0.0.0.0:9094"], "inside the container; published on the host's address only");
      const sync = run.named(`ananta-prod-${h.name}-alertmanager-sync`);
      const tlsConfig = parseYaml(String(upload(sync, "cluster-tls.yml")?.content));
      assert.equal(tlsConfig.tls_server_config.client_auth_type, "RequireAndVerifyClientCert");
      for (const f of Object.values(TLS_FILES)) assert.equal(upload(sync, `secrets/${f}`)?.permissions, "0400", `${h.name}: ${f}`);
      assert.ok(String(upload(sync, `secrets/${TLS_FILES.key}`)?.content).includes(`ananta-prod-${h.name}-cluster-key`), "each peer has its own key");
    }
    const certs = run.ofType("tls:index/certRequest:CertRequest");
    assert.deepEqual(certs.map((c) => c.inputs.ipAddresses).sort(), HOSTS.map((h) => [h.address, "127.0.0.1", "::1"]), "each certificate names its host's address and loopback");
    for (const c of certs) assert.deepEqual(c.inputs.dnsNames, ["localhost", "prometheus", "alertmanager"], "and the aliases the containers on its host use");
  });

  it("publishes the APIs and the gossip port on each host's address only, never on every interface", () => {
    for (const c of run.ofType(CONTAINER)) {
      for (const p of inputsOf(c).ports ?? []) {
        const host = HOSTS.find((h) => c.name.startsWith(`ananta-prod-${h.name}-`))!;
        assert.equal(p.ip, host.address, `${c.name} port ${p.external}`);
      }
    }
    const am = inputsOf(run.named("ananta-prod-b-alertmanager"));
    assert.deepEqual(am.ports, [
      { internal: 9093, external: 9093, ip: "10.0.0.2" },
      { internal: 9094, external: 9094, ip: "10.0.0.2", protocol: "tcp" },
    ]);
  });

  it("puts the APIs behind basic auth over TLS: the web configuration, health checks without credentials, reloads with the password on curl's input", () => {
    for (const h of HOSTS) {
      for (const service of ["prometheus", "alertmanager"] as const) {
        const c = run.named(`ananta-prod-${h.name}-${service}`);
        assert.deepEqual(flag(c, "web.config.file"), [`${MOUNTS[service]}/current/${WEB_CONFIG}`], `${h.name} ${service}`);
        const [kind, check] = inputsOf(c).healthcheck!.tests;
        assert.equal(kind, "CMD-SHELL");
        assert.match(check, new RegExp(`https://127\\.0\\.0\\.1:\\d+/-/ready .*401`), "healthy when it refuses a stranger over TLS");
        assert.doesNotMatch(check, /secrets|Authorization|cat /, "no credential in the check");
        const stage = run.named(`ananta-prod-${h.name}-${service}-sync`);
        assert.deepEqual(parseYaml(String(upload(stage, WEB_CONFIG)?.content)), {
          tls_server_config: { cert_file: TLS_FILES.cert, key_file: TLS_FILES.key },
          basic_auth_users: { [API_USER]: "$2a$10$bcrypt-of-random-ananta-prod-api-password" },
        });
        assert.equal(upload(stage, API_PASSWORD)?.content, "random-ananta-prod-api-password");
        for (const f of [API_PASSWORD, ...Object.values(TLS_FILES).map((t) => `secrets/${t}`)]) assert.equal(upload(stage, f)?.permissions, "0400", `${h.name} ${service} ${f}`);
        assert.equal(inputsOf(stage).networkMode, "none", "the stage reaches nothing");
        const reload = run.named(`ananta-prod-${h.name}-${service}-reload`);
        const script = inputsOf(reload).command![0] ?? "";
        assert.match(script, new RegExp(`printf 'user = "%s:%s"\\\\n' '${API_USER}' "\\$\\(sed .* "\\$live/current/${API_PASSWORD}"\\)" \\| curl --config - `), "the password reaches curl on its input");
        assert.match(script, new RegExp(`--cacert "\\$live/current/secrets/${TLS_FILES.ca}"`), "and curl trusts the stack's CA only");
        assert.match(script, new RegExp(`'https://${service}:${service === "prometheus" ? 9090 : 9093}/-/reload'`));
        assert.equal(inputsOf(reload).image, `sha256:ananta-prod-${h.name}-curl-image`, "the curl image");
      }
      const grafana = h === HOSTS[0] ? run.named(`ananta-prod-a-grafana-sync`) : undefined;
      if (grafana) assert.ok(upload(grafana, `secrets/${TLS_FILES.ca}`) && !upload(grafana, `secrets/${TLS_FILES.key}`), "Grafana gets the CA, not a key");
    }
    assert.equal(run.values.apiPassword, "random-ananta-prod-api-password");
    assert.match(String(run.values.apiCaCertificate), /ananta-prod-cluster-ca/);
    assert.ok(isWrappedSecret(run.named("ananta-prod-a-prometheus-sync").inputs.uploads), "the uploads holding the password are secret");
  });

  it("gives each replica a prometheus.yml with all three peers, its own replica label, dropped from alerts, and https with the CA and credentials from files", () => {
    const replicas = HOSTS.map((h) => parseYaml(String(upload(run.named(`ananta-prod-${h.name}-prometheus-sync`), "prometheus.yml")?.content)));
    assert.deepEqual(replicas.map((r) => r.global.external_labels.replica), ["a", "b", "c"]);
    for (const r of replicas) {
      assert.deepEqual(r.alerting.alert_relabel_configs, [{ action: "labeldrop", regex: "replica" }]);
      const client = { scheme: "https", tls_config: { ca_file: `secrets/${TLS_FILES.ca}` }, basic_auth: { username: API_USER, password_file: API_PASSWORD } };
      assert.deepEqual(r.alerting.alertmanagers, [{ ...client, static_configs: [{ targets: ["10.0.0.1:9093", "10.0.0.2:9093", "10.0.0.3:9093"] }] }]);
      const job = (name: string) => r.scrape_configs.find((j: { job_name: string }) => j.job_name === name);
      assert.deepEqual(job("prometheus").static_configs[0].targets, ["10.0.0.1:9090", "10.0.0.2:9090", "10.0.0.3:9090"], "replicas scrape each other");
      assert.deepEqual(job("alertmanager").static_configs[0].targets, ["10.0.0.1:9093", "10.0.0.2:9093", "10.0.0.3:9093"]);
      for (const api of ["prometheus", "alertmanager"]) assert.deepEqual({ ...job(api), job_name: undefined, static_configs: undefined }, { ...client, job_name: undefined, static_configs: undefined }, `${api}: https, the CA, the password file`);
    }
    // Exporters are each host's own, told apart by a host label.
    assert.deepEqual(
      replicas.map((r) => r.scrape_configs.find((j: { job_name: string }) => j.job_name === "node-exporter").static_configs[0].labels),
      [{ host: "a" }, { host: "b" }, { host: "c" }],
    );
  });

  it("gives every peer the same Alertmanager configuration and Grafana the password and the CA as file references", () => {
    const configs = HOSTS.map((h) => upload(run.named(`ananta-prod-${h.name}-alertmanager-sync`), "alertmanager.yml")?.content);
    assert.equal(new Set(configs).size, 1);
    const datasource = String(upload(run.named("ananta-prod-a-grafana-sync"), "provisioning/datasources/prometheus.yml")?.content);
    assert.match(datasource, /basicAuthPassword: \$__file\{\/etc\/grafana\/stack\/current\/secrets\/api_password\}/);
    const source = parseYaml(datasource).datasources[0];
    assert.equal(source.url, "https://prometheus:9090");
    assert.equal(source.jsonData.tlsAuthWithCACert, true);
    assert.equal(source.secureJsonData.tlsCACert, `$__file{/etc/grafana/stack/current/secrets/${TLS_FILES.ca}}`);
  });

  it("keeps every secret out of plain inputs", () => {
    const plain = JSON.stringify(run.resources.map((r) => ({ ...r, inputs: r.inputs })), (_k, v) => (isWrappedSecret(v) ? "[secret]" : v));
    for (const s of [...SENTINEL_VALUES, "random-ananta-prod-api-password", "bcrypt-of-random", "PRIVATE KEY"]) assert.ok(!plain.includes(s), s);
  });
});
