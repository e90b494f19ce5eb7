// The docker-compose of the reference as a Pulumi component: Prometheus, Alertmanager and
// Grafana on one Docker host, fed the generated file tree.
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { SecretValues, Settings } from "../settings";
import type { FileTree } from "../monitoring/files";
import { containerPath } from "../monitoring/layout";

export interface MonitoringStackArgs {
  settings: Settings;
  files: FileTree;
  secrets: SecretValues;
}

export class MonitoringStack extends pulumi.ComponentResource {
  readonly prometheusUrl: pulumi.Output<string>;

  constructor(name: string, args: MonitoringStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ananta:monitoring:MonitoringStack", name, {}, opts);
    const { settings, files } = args;
    const d = settings.docker;
    const provider = new docker.Provider(`${name}-docker`, { host: d.host }, { parent: this });
    const child = { parent: this, provider };
    const network = new docker.Network(`${name}-network`, { name: `${name}-network` }, child);
    const image = new docker.RemoteImage(`${name}-prometheus-image`, { name: d.images.prometheus, keepLocally: true }, child);
    const prometheusFiles = Object.entries(files).filter(([f]) => f.startsWith("prometheus/"));
    new docker.Container(
      `${name}-prometheus`,
      {
        name: `${name}-prometheus`,
        image: image.imageId,
        restart: "unless-stopped",
        command: [`--config.file=${containerPath("prometheus/prometheus.yml")}`, `--storage.tsdb.retention.time=${d.retention.time}`],
        networksAdvanced: [{ name: network.name, aliases: ["prometheus"] }],
        ports: [{ internal: 9090, external: d.ports.prometheus, ip: d.bindAddress }],
        uploads: prometheusFiles.map(([f, content]) => ({ file: containerPath(f), content })),
      },
      child,
    );
    this.prometheusUrl = pulumi.output(`http://${d.bindAddress}:${d.ports.prometheus}`);
    this.registerOutputs({ prometheusUrl: this.prometheusUrl });
  }
}
