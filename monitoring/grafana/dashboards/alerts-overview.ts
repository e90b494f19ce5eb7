// Alerts overview: what fires now and over time (Prometheus's ALERTS series), and whether the
// alerting path itself is healthy: Prometheus and Alertmanager up, rules evaluating, alerts
// reaching Alertmanager and notifications leaving it.
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as table from "@grafana/grafana-foundation-sdk/table";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import type { Settings } from "../../../settings";
import { LABELS, SELF_JOBS, WATCHDOG_ALERT } from "../../conventions";
import { PanelIds, lastValueStat, panel, row, steps } from "../panels";

export const ALERTS_OVERVIEW_UID = "ananta-alerts-overview";

const FIRING = `alertstate="firing", alertname!="${WATCHDOG_ALERT}"`;
const upSteps = () => steps("red", [[1, "green"]]);
const anyIsBad = () => steps("green", [[1, "red"]]);

/** What fires now and over time. */
function firingRow(b: dashboard.DashboardBuilder, ids: PanelIds): dashboard.DashboardBuilder {
  return b
    .withRow(row(ids, "Alerts"))
    .withPanel(
      panel(lastValueStat(), ids, "Firing alerts by severity", { w: 8, h: 6 }, [
        { expr: `count by (${LABELS.severity}) (ALERTS{${FIRING}})`, legend: "{{severity}}", kind: "instant" },
      ])
        .noValue("0")
        .thresholds(anyIsBad()),
    )
    .withPanel(
      panel(new timeseries.PanelBuilder(), ids, "Firing alerts over time", { w: 16, h: 6 }, [
        { expr: `count by (alertname, ${LABELS.severity}) (ALERTS{${FIRING}})`, legend: "{{alertname}} ({{severity}})" },
      ]),
    )
    .withPanel(
      panel(new table.PanelBuilder(), ids, "Firing alerts", { w: 24, h: 8 }, [
        { expr: `ALERTS{${FIRING}}`, legend: "{{alertname}}", kind: "table" },
      ]),
    );
}

/** Whether the alerting path works: the processes up, configuration loaded, rules evaluating, alerts reaching Alertmanager, notifications leaving it. */
function pipelineRow(b: dashboard.DashboardBuilder, ids: PanelIds, exporterJobs: string[]): dashboard.DashboardBuilder {
  const up = (job: string) => `up{job="${job}"}`;
  b.withRow(row(ids, "Alerting pipeline health"))
    .withPanel(
      panel(lastValueStat(), ids, "Prometheus up", { w: 6, h: 5 }, [{ expr: up(SELF_JOBS.prometheus), legend: "{{instance}}", kind: "instant" }]).thresholds(
        upSteps(),
      ),
    )
    .withPanel(
      panel(lastValueStat(), ids, "Alertmanager up", { w: 6, h: 5 }, [{ expr: up(SELF_JOBS.alertmanager), legend: "{{instance}}", kind: "instant" }]).thresholds(
        upSteps(),
      ),
    )
    .withPanel(
      panel(lastValueStat(), ids, "Config reloads succeeded", { w: 6, h: 5 }, [
        { expr: "prometheus_config_last_reload_successful", legend: "Prometheus", kind: "instant" },
        { expr: "alertmanager_config_last_reload_successful", legend: "Alertmanager", kind: "instant" },
      ]).thresholds(upSteps()),
    )
    .withPanel(
      panel(lastValueStat(), ids, "Alertmanagers discovered", { w: 6, h: 5 }, [
        { expr: "prometheus_notifications_alertmanagers_discovered", legend: "discovered", kind: "instant" },
      ]).thresholds(upSteps()),
    )
    .withPanel(
      panel(new timeseries.PanelBuilder(), ids, "Rule evaluation failures", { w: 12, h: 8 }, [
        { expr: "sum by (rule_group) (rate(prometheus_rule_evaluation_failures_total[$__rate_interval]))", legend: "{{rule_group}}" },
      ]).unit("ops"),
    )
    .withPanel(
      panel(new timeseries.PanelBuilder(), ids, "Alerts sent to Alertmanager", { w: 12, h: 8 }, [
        { expr: "sum(rate(prometheus_notifications_sent_total[$__rate_interval]))", legend: "sent" },
        { expr: "sum(rate(prometheus_notifications_dropped_total[$__rate_interval]))", legend: "dropped" },
        { expr: "sum(rate(prometheus_notifications_errors_total[$__rate_interval]))", legend: "errors" },
      ]).unit("ops"),
    )
    .withPanel(
      panel(new timeseries.PanelBuilder(), ids, "Notifications by integration", { w: 12, h: 8 }, [
        { expr: "sum by (integration) (rate(alertmanager_notifications_total[$__rate_interval]))", legend: "{{integration}} sent" },
        { expr: "sum by (integration) (rate(alertmanager_notifications_failed_total[$__rate_interval]))", legend: "{{integration}} failed" },
      ]).unit("ops"),
    )
    .withPanel(
      panel(new timeseries.PanelBuilder(), ids, "Alerts held by Alertmanager", { w: 12, h: 8 }, [
        { expr: "sum by (state) (alertmanager_alerts)", legend: "{{state}}" },
      ]),
    );
  if (exporterJobs.length > 0) {
    b.withPanel(
      panel(lastValueStat(), ids, "Exporters up", { w: 24, h: 5 }, [
        { expr: `up{job=~"${exporterJobs.join("|")}"}`, legend: "{{job}}", kind: "instant" },
      ]).thresholds(upSteps()),
    );
  }
  return b;
}

export function alertsOverview(settings: Settings): dashboard.Dashboard {
  const ids = new PanelIds();
  const { exporters } = settings.docker;
  const exporterJobs = [...(exporters.nodeExporter ? [SELF_JOBS.nodeExporter] : []), ...(exporters.cadvisor ? [SELF_JOBS.cadvisor] : [])];
  const b = new dashboard.DashboardBuilder("Alerts overview")
    .uid(ALERTS_OVERVIEW_UID)
    .tags(["alerts", settings.environment])
    .readonly()
    .time({ from: "now-6h", to: "now" })
    .refresh("30s");
  return pipelineRow(firingRow(b, ids), ids, exporterJobs).build();
}
