// What each container of the monitoring stack runs, as plain data: image, network alias and
// port (from DOCKER_PEERS), published port, user, command, data volume, host mounts, health
// check, how long it may take to stop, and which configuration it reads from a volume. The
// sync container that writes that volume (monitoring/sync.ts) is described here too. The
// component turns each into docker resources; keeping the choices here lets tests read them
// without Pulumi.
import { createHash } from "node:crypto";
import type { Settings } from "../settings";
import { CONFIGURED, Configured, DOCKER_PEERS, FILES, MOUNTS, Peers, SECRETS, STAGING, containerPath } from "../monitoring/layout";
import { CHECKS, RELOADS, syncScript } from "../monitoring/sync";

export type Role = keyof Peers;

export interface ServiceSpec {
  role: Role;
  image: string;
  /** Network alias and port other containers reach it on (DOCKER_PEERS). */
  alias: string;
  port: number;
  /** Host port bound on docker.bindAddress; unset for containers only Prometheus scrapes. */
  published?: number;
  /** uid[:gid] the process runs as; its configuration files are owned by it. */
  user?: string;
  command: string[];
  envs: string[];
  /** Path of the named volume that keeps the service's data across replacements. */
  dataPath?: string;
  hostMounts: { hostPath: string; containerPath: string }[];
  privileged?: boolean;
  pidMode?: string;
  /** HTTP path that answers 200 when the service is ready (rules or configuration loaded). */
  healthPath: string;
  /** The configuration it reads from a volume at MOUNTS[config], written by its sync container. */
  config?: Configured;
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

const grafanaPath = (sub: string) => `${MOUNTS.grafana}/current/${sub}`;

/** The containers the settings ask for, in start order. */
export function serviceSpecs(settings: Settings): ServiceSpec[] {
  const d = settings.docker;
  const retention = [`--storage.tsdb.retention.time=${d.retention.time}`, ...(d.retention.size ? [`--storage.tsdb.retention.size=${d.retention.size}`] : [])];
  const specs: ServiceSpec[] = [
    {
      role: "prometheus",
      image: d.images.prometheus,
      ...peer("prometheus"),
      published: d.ports.prometheus,
      user: USERS.prometheus,
      // --web.enable-lifecycle: the sync step reloads through POST /-/reload.
      command: [`--config.file=${containerPath(FILES.prometheusConfig)}`, "--storage.tsdb.path=/prometheus", "--web.enable-lifecycle", ...retention],
      envs: [],
      dataPath: "/prometheus",
      hostMounts: [],
      healthPath: "/-/ready",
      config: "prometheus",
      stopSeconds: 60,
    },
    {
      role: "alertmanager",
      image: d.images.alertmanager,
      ...peer("alertmanager"),
      published: d.ports.alertmanager,
      user: USERS.alertmanager,
      command: [
        `--config.file=${containerPath(FILES.alertmanagerConfig)}`,
        "--storage.path=/alertmanager",
        // One instance: no cluster gossip port to open or peers to find.
        "--cluster.listen-address=",
      ],
      envs: [],
      dataPath: "/alertmanager",
      hostMounts: [],
      healthPath: "/-/ready",
      config: "alertmanager",
      stopSeconds: 30,
    },
    {
      role: "grafana",
      image: d.images.grafana,
      ...peer("grafana"),
      published: d.ports.grafana,
      user: USERS.grafana,
      command: [],
      envs: [
        `GF_PATHS_PROVISIONING=${grafanaPath("provisioning")}`,
        `GF_SECURITY_ADMIN_USER=${settings.grafana.adminUser}`,
        `GF_SECURITY_ADMIN_PASSWORD__FILE=${grafanaPath(GRAFANA_ADMIN_PASSWORD)}`,
        "GF_USERS_ALLOW_SIGN_UP=false",
        "GF_AUTH_ANONYMOUS_ENABLED=false",
        ...(settings.grafana.rootUrl ? [`GF_SERVER_ROOT_URL=${settings.grafana.rootUrl}`] : []),
      ],
      dataPath: "/var/lib/grafana",
      hostMounts: [],
      healthPath: "/api/health",
      config: "grafana",
      stopSeconds: 30,
    },
  ];
  if (d.exporters.nodeExporter) {
    specs.push({
      role: "nodeExporter",
      image: d.images.nodeExporter,
      ...peer("nodeExporter"),
      // Host metrics: the host's root file system and process table, read-only.
      command: ["--path.rootfs=/host"],
      envs: [],
      hostMounts: [{ hostPath: "/", containerPath: "/host" }],
      pidMode: "host",
      healthPath: "/",
      stopSeconds: 10,
    });
  }
  if (d.exporters.cadvisor) {
    specs.push({
      role: "cadvisor",
      image: d.images.cadvisor,
      ...peer("cadvisor"),
      command: [],
      envs: [],
      // What cAdvisor's documentation mounts to see every container's cgroups and layers.
      hostMounts: [
        { hostPath: "/", containerPath: "/rootfs" },
        { hostPath: "/var/run", containerPath: "/var/run" },
        { hostPath: "/sys", containerPath: "/sys" },
        { hostPath: "/var/lib/docker", containerPath: "/var/lib/docker" },
        { hostPath: "/dev/disk", containerPath: "/dev/disk" },
      ],
      privileged: true,
      healthPath: "/healthz",
      stopSeconds: 10,
    });
  }
  return specs;
}

/** A digest of a service's plain files: named on its sync container, it says in a preview what changed. */
export function filesDigest(files: [string, string][]): string {
  const h = createHash("sha256");
  for (const [f, content] of files) h.update(f).update("\0").update(content).update("\0");
  return h.digest("hex");
}

export interface SyncSpec {
  service: Configured;
  image: string;
  /** The official image's tools and shell, as root: it writes the volume and gives the files to the service's user. */
  user: string;
  entrypoint: string[];
  command: string[];
  /** The configuration volume, mounted read-write. */
  volumePath: string;
}

/** The one-shot container that checks a service's new files and makes them live (monitoring/sync.ts). */
export function syncSpec(settings: Settings, service: Configured): SyncSpec {
  const spec = serviceSpecs(settings).find((s) => s.config === service)!;
  const script = syncScript({
    service,
    staged: STAGING,
    live: MOUNTS[service],
    owner: USERS[service],
    url: `http://${spec.alias}:${spec.port}`,
    auth: service === "grafana" ? { user: settings.grafana.adminUser, passwordFile: GRAFANA_ADMIN_PASSWORD } : undefined,
    check: CHECKS[service],
    reload: RELOADS[service],
  });
  return { service, image: spec.image, user: "0:0", entrypoint: ["/bin/sh", "-c"], command: [script], volumePath: MOUNTS[service] };
}

export const configuredServices = (settings: Settings): Configured[] => CONFIGURED.filter((c) => serviceSpecs(settings).some((s) => s.config === c));

/** Docker's healthcheck for a spec: the images ship busybox wget, not curl. */
export function healthcheck(spec: ServiceSpec) {
  return {
    tests: ["CMD", "wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${spec.port}${spec.healthPath}`],
    interval: "30s",
    timeout: "5s",
    retries: 3,
    startPeriod: "30s",
  };
}

/** http://host:port for a published port; IPv6 addresses in brackets. */
export const urlOf = (bindAddress: string, port: number): string => `http://${bindAddress.includes(":") ? `[${bindAddress}]` : bindAddress}:${port}`;
