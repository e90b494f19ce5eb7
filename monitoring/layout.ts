// Where every generated file lives: in the rendered tree, in the containers, and how the
// components reach each other. Nothing else knows where a file goes.
import type { Settings, TeamId } from "../settings";

/** Top-level folders of the rendered tree and where each is mounted in its container. */
export const MOUNTS = {
  prometheus: "/etc/prometheus",
  alertmanager: "/etc/alertmanager",
  "grafana/provisioning": "/etc/grafana/provisioning",
  // Outside Grafana's data volume, so a dashboard removed from the tree does not linger.
  "grafana/dashboards": "/etc/grafana/dashboards",
} as const;

export const FILES = {
  prometheusConfig: "prometheus/prometheus.yml",
  rule: (name: string) => `prometheus/rules/${name}.yml`,
  alertmanagerConfig: "alertmanager/alertmanager.yml",
  template: (name: string) => `alertmanager/templates/${name}.tmpl`,
  grafanaProvisioning: (name: string) => `grafana/provisioning/${name}`,
  dashboard: (name: string) => `grafana/dashboards/${name}.json`,
} as const;

/** The container path of a file of the rendered tree. */
export function containerPath(file: string): string {
  const root = (Object.keys(MOUNTS) as (keyof typeof MOUNTS)[])
    .sort((a, b) => b.length - a.length)
    .find((m) => file.startsWith(`${m}/`));
  if (!root) throw new Error(`no container mount for rendered file ${file}`);
  return `${MOUNTS[root]}${file.slice(root.length)}`;
}

/** Where Alertmanager reads its secret files inside its container (mode 0400 uploads). */
export const ALERTMANAGER_SECRETS_DIR = `${MOUNTS.alertmanager}/secrets`;

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
  peers: Peers;
}

export const DOCKER_RENDER: RenderOptions = { secretsDir: ALERTMANAGER_SECRETS_DIR, peers: DOCKER_PEERS };

/** Prefix of every resource name of a stack: <namePrefix>-<environment>, e.g. ananta-prod. */
export const namePrefix = (settings: Settings): string => `${settings.namePrefix}-${settings.environment}`;
