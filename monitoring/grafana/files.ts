// Grafana's part of the rendered tree: the datasource and dashboard provider provisioning
// files, and the dashboards they load.
import * as path from "node:path";
import { toYaml } from "../yaml";
import type { Settings } from "../../settings";
import { FILES, RenderOptions, containerPath } from "../layout";
import { alertsOverview } from "./dashboards/alerts-overview";
import { sloOverview } from "./dashboards/slo-overview";
import { datasourceProvisioning } from "./datasource";

/** Every dashboard, by file name under grafana/dashboards/. */
const DASHBOARDS = { "slo-overview": sloOverview, "alerts-overview": alertsOverview } as const;

export const GRAFANA_PROVISIONING = {
  datasources: FILES.grafanaProvisioning("datasources/prometheus.yml"),
  dashboards: FILES.grafanaProvisioning("dashboards/ananta.yml"),
} as const;

/** The folder Grafana loads dashboards from: where the dashboard files are uploaded. */
export const dashboardsDir = (): string => path.posix.dirname(containerPath(FILES.dashboard("any")));

function dashboardProvider(): string {
  return toYaml({
    apiVersion: 1,
    providers: [
      {
        name: "ananta",
        folder: "Ananta",
        type: "file",
        // Dashboards are code: edits belong in monitoring/grafana, not in the UI.
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: dashboardsDir() },
      },
    ],
  });
}

export function grafanaFiles(settings: Settings, options: RenderOptions): Record<string, string> {
  const tree: Record<string, string> = {
    [GRAFANA_PROVISIONING.datasources]: datasourceProvisioning(settings, options),
    [GRAFANA_PROVISIONING.dashboards]: dashboardProvider(),
  };
  for (const [name, build] of Object.entries(DASHBOARDS)) tree[FILES.dashboard(name)] = `${JSON.stringify(build(settings), null, 2)}\n`;
  return tree;
}
