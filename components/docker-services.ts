// What each container of the monitoring stack runs, as plain data: image, network alias and
// port (from DOCKER_PEERS), published port, user, command, data volume, host mounts, health
// check and which folders of the rendered tree it receives. The component turns each into
// a docker.Container; keeping the choices here lets tests read them without Pulumi.
import { createHash } from "node:crypto";
import type { Settings } from "../settings";
import { DOCKER_PEERS, FILES, MOUNTS, Peers, containerPath } from "../monitoring/layout";

export type Role = keyof Peers;

export interface ServiceSpec {
  role: Role;
  image: string;
  /** Network alias and port other containers reach it on (DOCKER_PEERS). */
  alias: string;
  port: number;
  /** Host port bound on docker.bindAddress; unset for containers only Prometheus scrapes. */
  published?: number;
  /** uid[:gid] the process runs as; secret files are owned by it. */
  user?: string;
  command: string[];
  envs: string[];
  /** Path of the named volume that keeps the service's data across replacements. */
  dataPath?: string;
  hostMounts: { hostPath: string; containerPath: string }[];
  privileged?: boolean;
  pidMode?: string;
  /** HTTP path that answers 200 when the service is ready. */
  healthPath: string;
  /** Folders of the rendered tree uploaded into the container. */
  trees: (keyof typeof MOUNTS)[];
}

/**
 * The official Prometheus and Alertmanager images run as nobody (65534), Grafana's as 472
 * (group root). Containers run as these ids explicitly so that 0400 secret files owned by the
 * same id stay readable whatever a future image defaults to.
 */
export const USERS = { alertmanager: "65534:65534", grafana: "472:0" } as const;

/** Where Grafana reads its admin password (GF_SECURITY_ADMIN_PASSWORD__FILE). */
export const GRAFANA_ADMIN_PASSWORD_FILE = "/etc/grafana/secrets/admin_password";

const peer = (role: Role) => {
  const [alias, port] = DOCKER_PEERS[role].split(":");
  return { alias, port: Number(port) };
};

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
      command: [`--config.file=${containerPath(FILES.prometheusConfig)}`, "--storage.tsdb.path=/prometheus", ...retention],
      envs: [],
      dataPath: "/prometheus",
      hostMounts: [],
      healthPath: "/-/healthy",
      trees: ["prometheus"],
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
      healthPath: "/-/healthy",
      trees: ["alertmanager"],
    },
    {
      role: "grafana",
      image: d.images.grafana,
      ...peer("grafana"),
      published: d.ports.grafana,
      user: USERS.grafana,
      command: [],
      envs: [
        `GF_PATHS_PROVISIONING=${MOUNTS["grafana/provisioning"]}`,
        `GF_SECURITY_ADMIN_USER=${settings.grafana.adminUser}`,
        `GF_SECURITY_ADMIN_PASSWORD__FILE=${GRAFANA_ADMIN_PASSWORD_FILE}`,
        "GF_USERS_ALLOW_SIGN_UP=false",
        "GF_AUTH_ANONYMOUS_ENABLED=false",
        ...(settings.grafana.rootUrl ? [`GF_SERVER_ROOT_URL=${settings.grafana.rootUrl}`] : []),
      ],
      dataPath: "/var/lib/grafana",
      hostMounts: [],
      healthPath: "/api/health",
      trees: ["grafana/provisioning", "grafana/dashboards"],
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
      trees: [],
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
      trees: [],
    });
  }
  return specs;
}

/** The rendered files a container receives: tree path → content. */
export function filesFor(spec: ServiceSpec, files: Record<string, string>): [string, string][] {
  return Object.entries(files)
    .filter(([f]) => spec.trees.some((t) => f.startsWith(`${t}/`)))
    .sort(([a], [b]) => a.localeCompare(b));
}

/**
 * A digest of a container's plain files. Uploads already force a replacement when they change;
 * the digest as a label names that change in a preview even where the diff shows only "uploads".
 */
export function filesDigest(files: [string, string][]): string {
  const h = createHash("sha256");
  for (const [f, content] of files) h.update(f).update("\0").update(content).update("\0");
  return h.digest("hex");
}

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
