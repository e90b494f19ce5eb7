// The docker-compose of the reference as a Pulumi component: Prometheus, Alertmanager and
// Grafana (plus node-exporter and cAdvisor when enabled) on one Docker host, on one network.
// The long-running containers depend only on image, flags, ports and volumes: their generated
// files (and secret files) reach them through a configuration volume that a one-shot sync
// container of the same official image writes, checks with the service's own tool and makes
// live with a reload (monitoring/sync.ts). A changed rule, route, template or secret replaces
// only that sync container; a file the tool refuses fails `pulumi up` with its message and
// leaves the running configuration as it was.
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { API_PASSWORD, WEB_CONFIG, webConfig } from "../monitoring/api-auth";
import type { StackHost } from "../monitoring/hosts";
import { TLS_FILES, apiScheme } from "../monitoring/tls";
import { AWS_CREDENTIALS, Configured, FILES, MOUNTS, SECRETS, STAGING, filesOf } from "../monitoring/layout";
import { type HostCertificate, stackCertificates } from "./stack-certificates";
import type { HostPlan, MonitoringStackPlan } from "../monitoring/docker/plan";
import { GRAFANA_ADMIN_PASSWORD, ServiceSpec, SyncSpec, SyncStepSpec, filesDigest, healthcheck, urlOf } from "../monitoring/docker/services";

/** A rendered tree whose contents may wait for another resource (with AMP, its endpoint in prometheus.yml). */
export type DeployedTree = Record<string, pulumi.Input<string>>;

/** What monitoring/docker/plan.ts decided, the rendered files and the secrets they need. */
export interface MonitoringStackArgs extends MonitoringStackPlan {
  /** Each host's rendered tree, by host name (monitoring/files.ts hostTrees). */
  trees: Record<string, DeployedTree>;
  /** The files Alertmanager reads its receivers' secrets from (file name in its secrets folder, value). */
  alertmanagerSecrets: { file: string; value: pulumi.Input<string> }[];
  /** The configured Grafana admin password; a generated one without it. */
  grafanaAdminPassword?: pulumi.Input<string>;
  /** With AMP: Prometheus's AWS credentials for remote write, a secret (components/managed-prometheus.ts). */
  remoteWriteCredentials?: pulumi.Input<string>;
}

/** A file whose content is a secret, by its path inside the service's configuration folder. */
interface SecretUpload {
  path: string;
  content: pulumi.Output<string>;
}

/** The combinations no deployment could use, refused before any resource is registered. */
function checkArgs(name: string, args: MonitoringStackArgs): void {
  const problems: string[] = [];
  if (args.hosts.length === 0) problems.push("hosts is empty");
  if (!args.alertmanager && !args.remoteWriteCredentials) problems.push("without Alertmanager (AMP sends), Prometheus needs the remote-write credentials (ManagedPrometheus.remoteWriteCredentials)");
  if (args.alertmanager && args.remoteWriteCredentials) problems.push("remoteWriteCredentials is for a stack whose alerts AMP sends (alertmanager: false)");
  if (!args.alertmanager && args.alertmanagerSecrets.length > 0) problems.push("alertmanagerSecrets is set, but no Alertmanager runs");
  const required = [FILES.prometheusConfig, ...(args.alertmanager ? [FILES.alertmanagerConfig] : [])];
  for (const { host, services, syncs } of args.hosts) {
    const where = host.name ? ` of host ${host.name}` : "";
    const missing = required.filter((f) => !(f in (args.trees[host.name] ?? {})));
    if (missing.length > 0) problems.push(`the rendered file tree${where} lacks ${missing.join(", ")}`);
    const unsynced = services.filter((s) => s.config && !syncs[s.config]).map((s) => s.role);
    if (unsynced.length > 0) problems.push(`${unsynced.join(", ")}${where} read generated files but have no sync steps`);
    if (services.some((s) => s.role === "alertmanager") !== args.alertmanager) problems.push(`the containers${where} ${args.alertmanager ? "lack" : "include"} Alertmanager`);
  }
  if (problems.length > 0) throw new Error(`MonitoringStack ${name}: ${problems.join("; ")}`);
}

/** The resource names of a host's resources: `<stack>-<role>` on the single host, `<stack>-<host>-<role>` in HA. */
const hostPrefix = (name: string, host: StackHost): string => (host.name ? `${name}-${host.name}` : name);

/** The sync steps of one configured service: where their outcome is reported, and the stage and reload containers. */
interface Synced {
  key: string;
  steps: docker.Container[];
}

/** One host's network, images and containers: each configured service with its stage, service and reload containers. */
function hostContainers(prefix: string, { host, services, syncs }: HostPlan, tree: DeployedTree, secretFiles: Record<Configured, SecretUpload[]>, parent: pulumi.Resource): Synced[] {
  const provider = new docker.Provider(`${prefix}-docker`, { host: host.host }, { parent });
  const child = { parent, provider };
  const network = new docker.Network(`${prefix}-network`, { name: `${prefix}-network` }, child);
  const images = new Map<string, docker.RemoteImage>();
  const imageOf = (id: string, ref: string) => {
    if (!images.has(ref)) images.set(ref, new docker.RemoteImage(`${id}-image`, { name: ref, keepLocally: true }, child));
    return images.get(ref)!;
  };
  const synced: Synced[] = [];
  for (const spec of services) {
    const id = `${prefix}-${spec.role.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    const image = imageOf(id, spec.image);
    if (!spec.config) {
      serviceContainer(id, spec, image, network, host.address, undefined, child);
      continue;
    }
    const volume = new docker.Volume(`${id}-config`, { name: `${id}-config` }, child);
    const sync = syncs[spec.config]!;
    const stage = stageContainer(`${id}-sync`, sync, image, volume, tree, secretFiles[spec.config], child);
    const service = serviceContainer(id, spec, image, network, host.address, { volume, stage }, child);
    const reload = reloadContainer(`${id}-reload`, sync, imageOf(`${prefix}-curl`, sync.reload.image), volume, network, stage, service, child);
    synced.push({ key: host.name ? `${host.name}/${spec.config}` : spec.config, steps: [stage, reload] });
  }
  return synced;
}

/** What each sync step made live (the reload's last line), or the failure of any step that refused its files. */
function configurationOf(synced: Synced[]): pulumi.Output<Record<string, string>> {
  return pulumi
    .all(synced.map(({ key, steps }) => pulumi.all(steps.map((c) => pulumi.all([key, c.exitCode, c.containerLogs])))))
    .apply((services) => {
      const refused = services.flat().filter(([, code]) => code !== undefined && code !== 0);
      if (refused.length > 0) {
        throw new Error(refused.map(([s, code, logs]) => `${s}: the new configuration was not made live (sync exited ${code}):\n${(logs ?? "").trim()}`).join("\n\n"));
      }
      // What the last step (the reload) said.
      return Object.fromEntries(services.map((steps) => steps[steps.length - 1]).map(([s, , logs]) => [s, (logs ?? "").trim().split("\n").pop() ?? ""]));
    });
}

/** The secret files each configured service of a host reads: the API password (and its hash for servers), TLS files, the receivers' secrets, Grafana's password, AMP's credentials. */
function secretUploads(
  args: MonitoringStackArgs,
  api: random.RandomPassword | undefined,
  certificates: Record<string, HostCertificate>,
  grafanaAdminPassword: pulumi.Output<string>,
): (host: StackHost) => Record<Configured, SecretUpload[]> {
  const apiFiles = (withServer: boolean): SecretUpload[] =>
    api ? [{ path: API_PASSWORD, content: pulumi.secret(api.result) }, ...(withServer ? [{ path: WEB_CONFIG, content: pulumi.secret(api.bcryptHash.apply(webConfig)) }] : [])] : [];
  /** The CA for a client; the host's key and certificate too for a server. */
  const tlsFiles = (host: StackHost, server: boolean): SecretUpload[] => {
    const c = certificates[host.name];
    if (!c) return [];
    return [{ path: `${SECRETS}/${TLS_FILES.ca}`, content: c.ca }, ...(server ? [{ path: `${SECRETS}/${TLS_FILES.cert}`, content: c.cert }, { path: `${SECRETS}/${TLS_FILES.key}`, content: c.key }] : [])];
  };
  const receivers = args.alertmanagerSecrets.map((s) => ({ path: `${SECRETS}/${s.file}`, content: pulumi.secret(s.value) }));
  const remoteWrite = args.remoteWriteCredentials ? [{ path: AWS_CREDENTIALS, content: pulumi.secret(args.remoteWriteCredentials) }] : [];
  return (host) => ({
    prometheus: [...apiFiles(true), ...tlsFiles(host, true), ...remoteWrite],
    alertmanager: [...receivers, ...apiFiles(true), ...tlsFiles(host, true)],
    grafana: [{ path: GRAFANA_ADMIN_PASSWORD, content: grafanaAdminPassword }, ...apiFiles(false), ...tlsFiles(host, false)],
  });
}

export class MonitoringStack extends pulumi.ComponentResource {
  /** The first host's URLs (the only host's, without HA). */
  readonly prometheusUrl: pulumi.Output<string>;
  /** None with AMP, whose Alertmanager sends. */
  readonly alertmanagerUrl?: pulumi.Output<string>;
  readonly grafanaUrl: pulumi.Output<string>;
  /** Every host's Prometheus and Alertmanager, by host name ("" for the single host). */
  readonly prometheusUrls: pulumi.Output<Record<string, string>>;
  readonly alertmanagerUrls?: pulumi.Output<Record<string, string>>;
  /** The Grafana admin password: the configured secret, or a generated one. */
  readonly grafanaAdminPassword: pulumi.Output<string>;
  /** The API user's password when the APIs require one (HA, or a non-loopback bindAddress). */
  readonly apiPassword?: pulumi.Output<string>;
  /** With apiPassword: the CA the APIs' certificates chain to, for clients (`--ca-file` of the tools). */
  readonly apiCaCertificate?: pulumi.Output<string>;
  /** What each sync step said; fails (and with it `pulumi up`) when a service refused its new files. */
  readonly configuration: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: MonitoringStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ananta:monitoring:MonitoringStack", name, {}, opts);
    checkArgs(name, args);
    const { trees, alertmanager, ports } = args;
    const hosts = args.hosts.map((h) => h.host);

    this.grafanaAdminPassword = pulumi.secret(
      args.grafanaAdminPassword ?? new random.RandomPassword(`${name}-grafana-admin-password`, { length: 32, special: false }, { parent: this }).result,
    );
    // One API user for every replica and peer: clients read the password, servers check its bcrypt hash.
    const api = args.apiAuth ? new random.RandomPassword(`${name}-api-password`, { length: 32, special: false }, { parent: this }) : undefined;
    this.apiPassword = api ? pulumi.secret(api.result) : undefined;
    // TLS wherever the APIs need credentials: the password never crosses a network in clear.
    const certificates = api ? stackCertificates(name, hosts, { parent: this }) : {};
    this.apiCaCertificate = api ? Object.values(certificates)[0].ca : undefined;
    const uploads = secretUploads(args, api, certificates, this.grafanaAdminPassword);
    const synced = args.hosts.flatMap((plan) => hostContainers(hostPrefix(name, plan.host), plan, trees[plan.host.name], uploads(plan.host), this));
    this.configuration = configurationOf(synced);

    const scheme = apiScheme(api !== undefined);
    const urls = (port: number) => pulumi.output(Object.fromEntries(hosts.map((h) => [h.name, urlOf(h.address, port, scheme)])));
    this.prometheusUrls = urls(ports.prometheus);
    this.alertmanagerUrls = alertmanager ? urls(ports.alertmanager) : undefined;
    this.prometheusUrl = pulumi.output(urlOf(hosts[0].address, ports.prometheus, scheme));
    this.alertmanagerUrl = alertmanager ? pulumi.output(urlOf(hosts[0].address, ports.alertmanager, scheme)) : undefined;
    this.grafanaUrl = pulumi.output(urlOf(hosts[0].address, ports.grafana, "http"));
    this.registerOutputs({
      prometheusUrl: this.prometheusUrl,
      alertmanagerUrl: this.alertmanagerUrl,
      grafanaUrl: this.grafanaUrl,
      prometheusUrls: this.prometheusUrls,
      alertmanagerUrls: this.alertmanagerUrls,
      grafanaAdminPassword: this.grafanaAdminPassword,
      apiPassword: this.apiPassword,
      apiCaCertificate: this.apiCaCertificate,
      configuration: this.configuration,
    });
  }
}

/** Run once to the end and report the exit code and what it printed; the exited container stays (auto-removal would drop it from the state and re-run it at every `up`). */
const ONE_SHOT = { mustRun: false, attach: true, logs: true } as const;

const runAs = (step: SyncStepSpec, image: docker.RemoteImage) => ({ image: image.imageId, user: step.user, entrypoints: step.entrypoint, command: step.command });

/**
 * The one-shot container that checks one service's files and switches its link. Its inputs are
 * the files and the secrets, so any change replaces (re-runs) it, and only it; the files' digest
 * as a label names the change in a preview even where the uploads are secret.
 */
function stageContainer(
  id: string,
  spec: SyncSpec,
  image: docker.RemoteImage,
  volume: docker.Volume,
  files: DeployedTree,
  secrets: SecretUpload[],
  opts: pulumi.CustomResourceOptions,
): docker.Container {
  const plain = filesOf(spec.service, files);
  return new docker.Container(
    id,
    {
      ...runAs(spec.stage, image),
      // Nothing to reach: it works on the volume alone.
      networkMode: "none",
      volumes: [{ volumeName: volume.name, containerPath: spec.volumePath }],
      uploads: [
        ...plain.map(([path, content]) => ({ file: `${STAGING}/${path}`, content })),
        ...secrets.map((s) => ({ file: `${STAGING}/${s.path}`, content: s.content, permissions: "0400" })),
      ],
      labels: [
        { label: "ananta.role", value: `${spec.service}-sync` },
        { label: "ananta.files-sha256", value: pulumi.all(plain.map(([, content]) => content)).apply((contents) => filesDigest(plain.map(([path], i) => [path, contents[i]]))) },
      ],
      ...ONE_SHOT,
    },
    opts,
  );
}

/** The one-shot container that asks the running service to reload (or switches back): it runs again whenever the stage does, after the service is up. */
function reloadContainer(
  id: string,
  spec: SyncSpec,
  image: docker.RemoteImage,
  volume: docker.Volume,
  network: docker.Network,
  stage: docker.Container,
  service: docker.Container,
  opts: pulumi.CustomResourceOptions,
): docker.Container {
  return new docker.Container(
    id,
    {
      ...runAs(spec.reload, image),
      networksAdvanced: [{ name: network.name }],
      volumes: [{ volumeName: volume.name, containerPath: spec.volumePath }],
      // The stage it follows: a new stage replaces this container, so it runs again.
      labels: [
        { label: "ananta.role", value: `${spec.service}-reload` },
        { label: "ananta.stage", value: stage.id },
      ],
      ...ONE_SHOT,
    },
    { ...opts, dependsOn: [stage, service] },
  );
}

/** One service: its data volume when it keeps data, and the container, which never changes with its files. */
function serviceContainer(
  id: string,
  spec: ServiceSpec,
  image: docker.RemoteImage,
  network: docker.Network,
  address: string,
  config: { volume: docker.Volume; stage: docker.Container } | undefined,
  opts: pulumi.CustomResourceOptions,
): docker.Container {
  // Its own resource: an image upgrade replaces the container and keeps the data.
  const data = spec.dataPath ? new docker.Volume(`${id}-data`, { name: `${id}-data` }, opts) : undefined;
  return new docker.Container(
    id,
    {
      name: id,
      image: image.imageId,
      restart: "unless-stopped",
      user: spec.user,
      command: spec.command.length > 0 ? spec.command : undefined,
      envs: spec.envs.length > 0 ? spec.envs : undefined,
      privileged: spec.privileged,
      pidMode: spec.pidMode,
      hosts: spec.hosts.length > 0 ? spec.hosts : undefined,
      networksAdvanced: [{ name: network.name, aliases: [spec.alias] }],
      // On the host's address only, never every interface (policy/ refuses that too).
      ports: spec.publish.length > 0 ? spec.publish.map((p) => ({ ...p, ip: address })) : undefined,
      volumes: [
        ...(data && spec.dataPath ? [{ volumeName: data.name, containerPath: spec.dataPath }] : []),
        ...(config && spec.config ? [{ volumeName: config.volume.name, containerPath: MOUNTS[spec.config], readOnly: true }] : []),
        ...spec.hostMounts.map((m) => ({ ...m, readOnly: true })),
      ],
      labels: [{ label: "ananta.role", value: spec.role }],
      healthcheck: healthcheck(spec),
      // `up` succeeds only once the container reports ready.
      wait: true,
      waitTimeout: 120,
      // SIGTERM, then this long to finish: Prometheus closes its WAL, Alertmanager writes its
      // silences and notification log.
      stopTimeout: spec.stopSeconds,
      destroyGraceSeconds: spec.stopSeconds,
    },
    // The first run reads the files the sync container wrote; fixed names and host ports
    // need the old container gone before a new one starts.
    { ...opts, deleteBeforeReplace: true, dependsOn: config ? [config.stage] : [] },
  );
}
