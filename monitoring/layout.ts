// Where every generated file lives: in the rendered tree, in the containers, and how the
// components reach each other. Nothing else knows where a file goes.
import type { Settings, TeamId } from "../settings";
import type { ClusterPeers } from "./hosts";

/** The services whose configuration the tree holds: each top-level folder is one's. */
export const CONFIGURED = ["prometheus", "alertmanager", "grafana"] as const;
export type Configured = (typeof CONFIGURED)[number];

/**
 * Where each service's configuration volume is mounted. The volume holds version folders
 * written by the sync step and `current`, a link to the live one: the files a service reads
 * are `<mount>/current/...`, so a new version goes live by switching one link, and the
 * containers never change when the files do.
 */
export const MOUNTS: Record<Configured, string> = {
  prometheus: "/etc/prometheus",
  alertmanager: "/etc/alertmanager",
  // Beside Grafana's own /etc/grafana (grafana.ini stays); outside its data volume, so a
  // dashboard removed from the tree does not linger.
  grafana: "/etc/grafana/stack",
};

/** The link to the live version folder inside a configuration volume. */
export const CURRENT = "current";
/** Where a sync step finds the files it makes live (uploaded there; same layout as a version). */
export const STAGING = "/staging";
/** The folder of secret files inside a version (mode 0400, owned by the service's user). */
export const SECRETS = "secrets";

export const FILES = {
  prometheusConfig: "prometheus/prometheus.yml",
  rule: (name: string) => `prometheus/rules/${name}.yml`,
  alertmanagerConfig: "alertmanager/alertmanager.yml",
  template: (name: string) => `alertmanager/templates/${name}.tmpl`,
  /** HA: the Alertmanager peer's gossip TLS configuration (alertmanager/cluster.ts). */
  clusterTls: "alertmanager/cluster-tls.yml",
  grafanaProvisioning: (name: string) => `grafana/provisioning/${name}`,
  dashboard: (name: string) => `grafana/dashboards/${name}.json`,
} as const;

/** The service a file of the rendered tree configures, and its path inside that service's folder. */
export function ownerOf(file: string): { service: Configured; path: string } {
  const service = CONFIGURED.find((c) => file.startsWith(`${c}/`));
  if (!service) throw new Error(`no service reads rendered file ${file}`);
  return { service, path: file.slice(service.length + 1) };
}

/** The rendered files of one service's configuration: path inside its folder → content. */
export function filesOf<T>(service: Configured, files: Record<string, T>): [string, T][] {
  return Object.entries(files)
    .filter(([f]) => ownerOf(f).service === service)
    .map(([f, content]): [string, T] => [ownerOf(f).path, content])
    .sort(([a], [b]) => a.localeCompare(b));
}

/** The path a container reads a file of the rendered tree at (through `current`). */
export function containerPath(file: string): string {
  const { service, path } = ownerOf(file);
  return `${MOUNTS[service]}/${CURRENT}/${path}`;
}

/** Where Alertmanager reads its secret files inside its container. */
export const ALERTMANAGER_SECRETS_DIR = `${MOUNTS.alertmanager}/${CURRENT}/${SECRETS}`;

/** A secret Alertmanager reads from a file: the file name and the config key it holds. */
export interface SecretFile {
  file: string;
  secret: "pagerdutyKey" | "smtpPassword" | `slackWebhooks.${TeamId}`;
}

/** Secret files the generated Alertmanager config names (production receivers only). */
export function alertmanagerSecretFiles(settings: Settings): SecretFile[] {
  const n = settings.notifications;
  if (n.mode !== "production") return [];
  const files: SecretFile[] = [];
  if (n.pagerduty.enabled) files.push({ file: "pagerduty_routing_key", secret: "pagerdutyKey" });
  for (const [id, team] of Object.entries(n.teams)) {
    if (team.slack) files.push({ file: `slack_${id}_webhook`, secret: `slackWebhooks.${id}` });
  }
  if (n.email.enabled && n.email.username) files.push({ file: "smtp_password", secret: "smtpPassword" });
  return files;
}

/** How Prometheus reaches its peers; the Docker component gives containers these network aliases. */
export interface Peers {
  prometheus: string;
  alertmanager: string;
  nodeExporter: string;
  cadvisor: string;
  grafana: string;
}

export const DOCKER_PEERS: Peers = {
  prometheus: "prometheus:9090",
  alertmanager: "alertmanager:9093",
  nodeExporter: "node-exporter:9100",
  cadvisor: "cadvisor:8080",
  grafana: "grafana:3000",
};

export interface RenderOptions {
  /** Absolute directory Alertmanager reads secret files from. */
  secretsDir: string;
  /** This host's services, as the Prometheus and Grafana on it reach them. */
  peers: Peers;
  /** HA: this replica, and every replica and peer it scrapes and sends to. */
  cluster?: ClusterPeers;
  /** Whether the APIs require the API user's credentials (api-auth.ts). */
  apiAuth?: boolean;
  /** With aws.amp.enabled: the workspace's Prometheus endpoint, once it exists (amp/remote-write.ts). */
  ampEndpoint?: string;
}

/** Prometheus's AWS credentials for remote write to AMP: a secret file, named by AWS_SHARED_CREDENTIALS_FILE. */
export const AWS_CREDENTIALS = `${SECRETS}/aws_credentials`;

export const DOCKER_RENDER: RenderOptions = { secretsDir: ALERTMANAGER_SECRETS_DIR, peers: DOCKER_PEERS };

/** Prefix of every resource name of a stack: <namePrefix>-<environment>, e.g. ananta-prod. */
export const namePrefix = (settings: Settings): string => `${settings.namePrefix}-${settings.environment}`;
