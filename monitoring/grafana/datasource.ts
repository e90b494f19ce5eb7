// The provisioned Prometheus datasource. Its uid is fixed so that every dashboard panel can
// name it, and a re-provisioned Grafana keeps the same reference.
import { toYaml } from "../yaml";
import type { Settings } from "../../settings";
import { API_PASSWORD, API_USER } from "../api-auth";
import { CURRENT, MOUNTS, type RenderOptions } from "../layout";
import { TLS_CA, apiScheme } from "../tls";

export const PROMETHEUS_DATASOURCE = { type: "prometheus", uid: "ananta-prometheus" } as const;

const file = (inVersion: string) => `${MOUNTS.grafana}/${CURRENT}/${inVersion}`;

export function datasourceProvisioning(settings: Settings, options: RenderOptions): string {
  return toYaml(
    {
      apiVersion: 1,
      datasources: [
        {
          name: "Prometheus",
          type: PROMETHEUS_DATASOURCE.type,
          uid: PROMETHEUS_DATASOURCE.uid,
          access: "proxy",
          url: `${apiScheme(options.apiAuth)}://${options.peers.prometheus}`,
          isDefault: true,
          editable: false,
          // The password and the CA are read from their files when Grafana provisions: never in this file.
          ...(options.apiAuth
            ? {
                basicAuth: true,
                basicAuthUser: API_USER,
                secureJsonData: { basicAuthPassword: `$__file{${file(API_PASSWORD)}}`, tlsCACert: `$__file{${file(TLS_CA)}}` },
              }
            : {}),
          // $__rate_interval needs the real scrape interval to stay above it.
          jsonData: { timeInterval: settings.docker.scrapeInterval, ...(options.apiAuth ? { tlsAuthWithCACert: true } : {}) },
        },
      ],
    },
  );
}
