// The docker-compose of the reference as a Pulumi component: Prometheus, Alertmanager and
// Grafana (plus node-exporter and cAdvisor when enabled) on one Docker host, on one network,
// fed the generated file tree. Every file is an upload, so any change to it is an input diff
// that replaces the container (delete first: names and host ports are fixed).
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { SecretValues, Settings } from "../settings";
import type { FileTree } from "../monitoring/files";
import { ALERTMANAGER_SECRETS_DIR, FILES, SecretFile, alertmanagerSecretFiles, containerPath } from "../monitoring/layout";
import { GRAFANA_ADMIN_PASSWORD_FILE, Role, ServiceSpec, USERS, filesDigest, filesFor, healthcheck, serviceSpecs, urlOf } from "./docker-services";

export interface MonitoringStackArgs {
  settings: Settings;
  files: FileTree;
  secrets: SecretValues;
}

/** A file whose content is a secret: mode 0400, owned by the user the container runs as. */
interface SecretUpload {
  file: string;
  content: pulumi.Output<string>;
  owner: string;
}

const REQUIRED_FILES = [FILES.prometheusConfig, FILES.alertmanagerConfig];

function secretValue(secrets: SecretValues, key: SecretFile["secret"]): pulumi.Output<string> {
  const [root, id] = key.split(".") as [keyof SecretValues, string | undefined];
  const value = id ? (secrets.slackWebhooks as Record<string, pulumi.Output<string> | undefined>)[id] : (secrets[root] as pulumi.Output<string> | undefined);
  if (!value) throw new Error(`MonitoringStack: the Alertmanager config reads secret ${key}, which is not set; set it with: pulumi config set --secret ${id ? `--path ${key}` : key} <value>`);
  return pulumi.secret(value);
}

export class MonitoringStack extends pulumi.ComponentResource {
  readonly prometheusUrl: pulumi.Output<string>;
  readonly alertmanagerUrl: pulumi.Output<string>;
  readonly grafanaUrl: pulumi.Output<string>;
  /** The Grafana admin password: the configured secret, or a generated one. */
  readonly grafanaAdminPassword: pulumi.Output<string>;

  constructor(name: string, args: MonitoringStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ananta:monitoring:MonitoringStack", name, {}, opts);
    const { settings, files, secrets } = args;
    const missing = REQUIRED_FILES.filter((f) => !(f in files));
    if (missing.length > 0) throw new Error(`MonitoringStack: the rendered file tree lacks ${missing.join(", ")}`);
    const d = settings.docker;

    this.grafanaAdminPassword = pulumi.secret(
      secrets.grafanaAdminPassword ?? new random.RandomPassword(`${name}-grafana-admin-password`, { length: 32, special: false }, { parent: this }).result,
    );
    const secretUploads: Partial<Record<Role, SecretUpload[]>> = {
      alertmanager: alertmanagerSecretFiles(settings).map((s) => ({
        file: `${ALERTMANAGER_SECRETS_DIR}/${s.file}`,
        content: secretValue(secrets, s.secret),
        owner: USERS.alertmanager,
      })),
      grafana: [{ file: GRAFANA_ADMIN_PASSWORD_FILE, content: this.grafanaAdminPassword, owner: USERS.grafana }],
    };

    const provider = new docker.Provider(`${name}-docker`, { host: d.host }, { parent: this });
    const child = { parent: this, provider };
    const network = new docker.Network(`${name}-network`, { name: `${name}-network` }, child);

    for (const spec of serviceSpecs(settings)) {
      serviceContainer({ name, spec, files, secretFiles: secretUploads[spec.role] ?? [], network, bindAddress: d.bindAddress, opts: child });
    }

    this.prometheusUrl = pulumi.output(urlOf(d.bindAddress, d.ports.prometheus));
    this.alertmanagerUrl = pulumi.output(urlOf(d.bindAddress, d.ports.alertmanager));
    this.grafanaUrl = pulumi.output(urlOf(d.bindAddress, d.ports.grafana));
    this.registerOutputs({
      prometheusUrl: this.prometheusUrl,
      alertmanagerUrl: this.alertmanagerUrl,
      grafanaUrl: this.grafanaUrl,
      grafanaAdminPassword: this.grafanaAdminPassword,
    });
  }
}

interface ContainerContext {
  name: string;
  spec: ServiceSpec;
  files: FileTree;
  secretFiles: SecretUpload[];
  network: docker.Network;
  bindAddress: string;
  opts: pulumi.CustomResourceOptions;
}

/** One service: its pinned image, its data volume when it keeps data, and the container. */
function serviceContainer({ name, spec, files, secretFiles, network, bindAddress, opts }: ContainerContext): docker.Container {
  const id = `${name}-${spec.role.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  const image = new docker.RemoteImage(`${id}-image`, { name: spec.image, keepLocally: true }, opts);
  const data = spec.dataPath ? new docker.Volume(`${id}-data`, { name: `${id}-data` }, opts) : undefined;
  const plain = filesFor(spec, files);
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
      networksAdvanced: [{ name: network.name, aliases: [spec.alias] }],
      ports: spec.published ? [{ internal: spec.port, external: spec.published, ip: bindAddress }] : undefined,
      volumes: [
        ...(data && spec.dataPath ? [{ volumeName: data.name, containerPath: spec.dataPath }] : []),
        ...spec.hostMounts.map((m) => ({ ...m, readOnly: true })),
      ],
      uploads: [
        ...plain.map(([f, content]) => ({ file: containerPath(f), content })),
        ...secretFiles.map((s) => {
          const [owner, group] = s.owner.split(":");
          return { file: s.file, content: s.content, permissions: "0400", owner, group };
        }),
      ],
      labels: [
        { label: "ananta.role", value: spec.role },
        { label: "ananta.files-sha256", value: filesDigest(plain) },
      ],
      healthcheck: healthcheck(spec),
      // `up` succeeds only once the new container reports healthy, so a bad file fails the update.
      wait: true,
      waitTimeout: 120,
    },
    { ...opts, deleteBeforeReplace: true },
  );
}
