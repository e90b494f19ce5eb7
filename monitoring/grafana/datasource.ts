// The provisioned Prometheus datasource. Its uid is fixed so that every dashboard panel can
// name it, and a re-provisioned Grafana keeps the same reference.
import { stringify } from "yaml";
import type { Settings } from "../../settings";
import type { RenderOptions } from "../layout";

export const PROMETHEUS_DATASOURCE = { type: "prometheus", uid: "ananta-prometheus" } as const;

export function datasourceProvisioning(settings: Settings, options: RenderOptions): string {
  return stringify(
    {
      apiVersion: 1,
      datasources: [
        {
          name: "Prometheus",
          type: PROMETHEUS_DATASOURCE.type,
          uid: PROMETHEUS_DATASOURCE.uid,
          access: "proxy",
          url: `http://${options.peers.prometheus}`,
          isDefault: true,
          editable: false,
          // $__rate_interval needs the real scrape interval to stay above it.
          jsonData: { timeInterval: settings.docker.scrapeInterval },
        },
      ],
    },
    { lineWidth: 0 },
  );
}
