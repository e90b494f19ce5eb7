// What each container of the monitoring stack runs, as plain data: image, network alias and
// port (from DOCKER_PEERS), published port, user, command, data volume, host mounts, health
// check, how long it may take to stop, and which configuration it reads from a volume. The
// sync container that writes that volume (monitoring/sync.ts) is described here too. The
// component turns each into docker resources; keeping the choices here lets tests read them
// without Pulumi.
import { createHash } from "node:crypto";
import type { Settings } from "../../settings";
import { clusterFlags } from "../alertmanager/cluster";
import { API_PASSWORD, API_USER, WEB_CONFIG } from "../api-auth";
import { StackHost, apiAuthRequired, hostPort, isHa, stackHosts } from "../hosts";
import { AWS_CREDENTIALS, CURRENT, Configured, DOCKER_PEERS, FILES, MOUNTS, Peers, SECRETS, STAGING, containerPath } from "../layout";
import { CHECKS, RELOADS, reloadScript, stageScript } from "../sync";
import { TLS_CA, apiScheme } from "../tls";

export type Role = keyof Peers;

export interface ServiceSpec {
  role: Role;
  image: string;
  /** Network alias and port other containers reach it on (DOCKER_PEERS). */
  alias: string;
  port: number;
  /** Host ports bound on the host's address; none for containers only Prometheus scrapes. */
  publish: { internal: number; external: number; protocol?: "tcp" | "udp" }[];
  /** uid[:gid] the process runs as; its configuration files are owned by it. */
  user?: string;
  command: string[];
  envs: string[];
  /** Path of the named volume that keeps the service's data across replacements. */
  dataPath?: string;
  hostMounts: { hostPath: string; containerPath: string }[];
  privileged?: boolean;
  pidMode?: string;
  /** Extra /etc/hosts entries (Docker's `--add-host`). */
  hosts: { host: string; ip: string }[];
  /** HTTP path that answers 200 when the service is ready (rules or configuration loaded). */
  healthPath: string;
  /** The configuration it reads from a volume at MOUNTS[config], written by its sync container. */
  config?: Configured;
  /** Its API requires the API user's credentials (api-auth.ts): health checks and reloads send them. */
  apiAuth?: boolean;
  /** Seconds between SIGTERM and SIGKILL: time to write the WAL, the silences and the notification log. */
  stopSeconds: number;
}

/**
 * The official images run as nobody (65534), Grafana's as 472 (group root). Services run as
 * these ids explicitly, and their configuration (0400 secret files included) belongs to them,
 * whatever a future image defaults to.
 */
export const USERS: Record<Configured, string> = { prometheus: "65534:65534", alertmanager: "65534:65534", grafana: "472:0" };

/** Where Grafana reads its admin password (GF_SECURITY_ADMIN_PASSWORD__FILE); its sync step reads it too. */
export const GRAFANA_ADMIN_PASSWORD = `${SECRETS}/admin_password`;

const peer = (role: Role) => {
  const [alias, port] = DOCKER_PEERS[role].split(":");
  return { alias, port: Number(port) };
};

const live = (service: Configured, sub: string) => `${MOUNTS[service]}/${CURRENT}/${sub}`;

/** The API's web configuration (password hash, TLS) when the APIs require credentials. */
const webConfig = (auth: boolean, service: Configured) => (auth ? [`--web.config.file=${live(service, WEB_CONFIG)}`] : []);

/**
 * host.docker.internal is the Docker host, as Docker Desktop names it: on Linux engines only this
 * entry makes it resolve, and the stack files use it for targets and the local webhook.
 */
const DOCKER_HOST_NAME = [{ host: "host.docker.internal", ip: "host-gateway" }];

/** Inside the Alertmanager container: gossip on every interface of the container, published on the host's address only. */
const CLUSTER_LISTEN = "0.0.0.0";

/** The containers one host runs, in start order. Grafana runs on the first host only; Alertmanager not with AMP, whose Alertmanager sends. */
/** Prometheus: its configuration and TSDB, the lifecycle API for reloads, AMP's credentials file. */
function prometheusSpec(settings: Settings): ServiceSpec {
  const d = settings.docker;
  const auth = apiAuthRequired(settings);
  const retention = [`--storage.tsdb.retention.time=${d.retention.time}`, ...(d.retention.size ? [`--storage.tsdb.retention.size=${d.retention.size}`] : [])];
  return {
    role: "prometheus",
    image: d.images.prometheus,
    ...peer("prometheus"),
    publish: [{ internal: peer("prometheus").port, external: d.ports.prometheus }],
    user: USERS.prometheus,
    // --web.enable-lifecycle: the sync step reloads through POST /-/reload.
    command: [`--config.file=${containerPath(FILES.prometheusConfig)}`, "--storage.tsdb.path=/prometheus", "--web.enable-lifecycle", ...webConfig(auth, "prometheus"), ...retention],
    // AMP: remote write signs with the key in this secret file (the variable holds its path only).
    envs: settings.aws.amp.enabled ? [`AWS_SHARED_CREDENTIALS_FILE=${live("prometheus", AWS_CREDENTIALS)}`] : [],
    dataPath: "/prometheus",
    hostMounts: [],
    // Scrape targets on the Docker host.
    hosts: DOCKER_HOST_NAME,
    healthPath: "/-/ready",
    config: "prometheus",
    apiAuth: auth,
    stopSeconds: 60,
  };
}

/** Alertmanager of one host: alone, or a gossip peer of the other hosts' over TLS. */
function alertmanagerSpec(settings: Settings, host: StackHost): ServiceSpec {
  const d = settings.docker;
  const auth = apiAuthRequired(settings);
  const cluster = isHa(settings)
    ? clusterFlags({
        listen: `${CLUSTER_LISTEN}:${d.ports.alertmanagerCluster}`,
        advertise: hostPort(host.address, d.ports.alertmanagerCluster),
        peers: stackHosts(settings).filter((h) => h.name !== host.name).map((h) => hostPort(h.address, d.ports.alertmanagerCluster)),
        tlsConfig: containerPath(FILES.clusterTls),
        peerTimeout: settings.alertmanager.peerTimeout,
      })
    : // One instance: no cluster gossip port to open or peers to find.
      ["--cluster.listen-address="];
  return {
    role: "alertmanager",
    image: d.images.alertmanager,
    ...peer("alertmanager"),
    publish: [
      { internal: peer("alertmanager").port, external: d.ports.alertmanager },
      // TCP only: the TLS transport carries gossip packets over TCP streams (alertmanager/cluster.ts).
      ...(isHa(settings) ? [{ internal: d.ports.alertmanagerCluster, external: d.ports.alertmanagerCluster, protocol: "tcp" as const }] : []),
    ],
    user: USERS.alertmanager,
    command: [`--config.file=${containerPath(FILES.alertmanagerConfig)}`, "--storage.path=/alertmanager", ...webConfig(auth, "alertmanager"), ...cluster],
    envs: [],
    dataPath: "/alertmanager",
    hostMounts: [],
    // Webhooks on the Docker host (the local receivers).
    hosts: DOCKER_HOST_NAME,
    healthPath: "/-/ready",
    config: "alertmanager",
    apiAuth: auth,
    stopSeconds: 30,
  };
}

/** Grafana: provisioning from its configuration volume, the admin password from a secret file. */
function grafanaSpec(settings: Settings): ServiceSpec {
  const d = settings.docker;
  return {
    role: "grafana",
    image: d.images.grafana,
    ...peer("grafana"),
    publish: [{ internal: peer("grafana").port, external: d.ports.grafana }],
    user: USERS.grafana,
    command: [],
    envs: [
      `GF_PATHS_PROVISIONING=${live("grafana", "provisioning")}`,
      `GF_SECURITY_ADMIN_USER=${settings.grafana.adminUser}`,
      `GF_SECURITY_ADMIN_PASSWORD__FILE=${live("grafana", GRAFANA_ADMIN_PASSWORD)}`,
      "GF_USERS_ALLOW_SIGN_UP=false",
      "GF_AUTH_ANONYMOUS_ENABLED=false",
      ...(settings.grafana.rootUrl ? [`GF_SERVER_ROOT_URL=${settings.grafana.rootUrl}`] : []),
    ],
    dataPath: "/var/lib/grafana",
    hostMounts: [],
    hosts: [],
    healthPath: "/api/health",
    config: "grafana",
    stopSeconds: 30,
  };
}

/** The node exporter: the host's root file system and process table, read-only. */
const nodeExporterSpec = (image: string): ServiceSpec => ({
  role: "nodeExporter",
  image,
  ...peer("nodeExporter"),
  publish: [],
  command: ["--path.rootfs=/host"],
  envs: [],
  hostMounts: [{ hostPath: "/", containerPath: "/host" }],
  hosts: [],
  pidMode: "host",
  healthPath: "/",
  stopSeconds: 10,
});

/** cAdvisor, with what its documentation mounts to see every container's cgroups and layers. */
const cadvisorSpec = (image: string): ServiceSpec => ({
  role: "cadvisor",
  image,
  ...peer("cadvisor"),
  publish: [],
  command: [],
  envs: [],
  hostMounts: [
    { hostPath: "/", containerPath: "/rootfs" },
    { hostPath: "/var/run", containerPath: "/var/run" },
    { hostPath: "/sys", containerPath: "/sys" },
    { hostPath: "/var/lib/docker", containerPath: "/var/lib/docker" },
    { hostPath: "/dev/disk", containerPath: "/dev/disk" },
  ],
  privileged: true,
  hosts: [],
  healthPath: "/healthz",
  stopSeconds: 10,
});

/** The containers of one host: Prometheus; Alertmanager unless AMP sends; Grafana on the first host; the exporters turned on. */
export function serviceSpecs(settings: Settings, host: StackHost = stackHosts(settings)[0]): ServiceSpec[] {
  const d = settings.docker;
  return [
    prometheusSpec(settings),
    ...(settings.aws.amp.enabled ? [] : [alertmanagerSpec(settings, host)]),
    ...(host.name === stackHosts(settings)[0].name ? [grafanaSpec(settings)] : []),
    ...(d.exporters.nodeExporter ? [nodeExporterSpec(d.images.nodeExporter)] : []),
    ...(d.exporters.cadvisor ? [cadvisorSpec(d.images.cadvisor)] : []),
  ];
}

/** A digest of a service's plain files: named on its sync container, it says in a preview what changed. */
export function filesDigest(files: [string, string][]): string {
  const h = createHash("sha256");
  for (const [f, content] of files) h.update(f).update("\0").update(content).update("\0");
  return h.digest("hex");
}

/** One of the two one-shot containers of a service's sync step, as root: it writes the volume and gives the files to the service's user. */
export interface SyncStepSpec {
  image: string;
  user: string;
  entrypoint: string[];
  command: string[];
}

export interface SyncSpec {
  service: Configured;
  /** The configuration volume, mounted read-write by both steps. */
  volumePath: string;
  /** Copies, checks with the service's tool and switches the link: the service's own image. */
  stage: SyncStepSpec;
  /** Asks the service to reload, or switches back: the curl image. */
  reload: SyncStepSpec;
}

/** The one-shot containers that check the new files of a container that reads them, and make them live (monitoring/sync.ts). */
export function syncSpec(settings: Settings, spec: ServiceSpec & { config: Configured }): SyncSpec {
  const service = spec.config;
  const step = (image: string, script: string): SyncStepSpec => ({ image, user: "0:0", entrypoint: ["/bin/sh", "-c"], command: [script] });
  const tls = spec.apiAuth === true;
  return {
    service,
    volumePath: MOUNTS[service],
    stage: step(spec.image, stageScript({ service, staged: STAGING, live: MOUNTS[service], owner: USERS[service], check: CHECKS[service] })),
    reload: step(
      settings.docker.images.curl,
      reloadScript({
        service,
        live: MOUNTS[service],
        url: `${apiScheme(tls)}://${spec.alias}:${spec.port}`,
        auth: service === "grafana" ? { user: settings.grafana.adminUser, passwordFile: GRAFANA_ADMIN_PASSWORD } : spec.apiAuth ? { user: API_USER, passwordFile: API_PASSWORD } : undefined,
        ca: tls ? TLS_CA : undefined,
        reload: RELOADS[service],
      }),
    ),
  };
}

/**
 * Docker's healthcheck for a spec: the images ship busybox wget, not curl. An API behind the
 * stack's credentials is healthy when it answers an anonymous request over TLS with 401: up,
 * serving TLS and refusing strangers, with no credential in the check (busybox wget takes them
 * only in its arguments, which every user of the host can read).
 */
export function healthcheck(spec: ServiceSpec) {
  const url = `${apiScheme(spec.apiAuth)}://127.0.0.1:${spec.port}${spec.healthPath}`;
  return {
    tests: spec.apiAuth
      ? ["CMD-SHELL", `wget -S -O /dev/null --no-check-certificate ${url} 2>&1 | grep -q '^ *HTTP/[0-9.]* 401 '`]
      : ["CMD", "wget", "-q", "-O", "/dev/null", url],
    interval: "30s",
    timeout: "5s",
    retries: 3,
    startPeriod: "30s",
  };
}

/** scheme://host:port for a published port; IPv6 addresses in brackets. */
export const urlOf = (address: string, port: number, scheme: "http" | "https"): string => `${scheme}://${hostPort(address, port)}`;
