// The monitoring itself: rules failing, notifications not delivered, targets gone missing,
// configuration not reloaded, and the always-firing Watchdog heartbeat (a dead man's switch:
// when it stops arriving, the alerting path is broken).
import { WATCHDOG_ALERT } from "../conventions";
import { AlertGenerator, AlertSpec, infraOwner, percent, promString } from "./rule";
import { scrapeJobs } from "../scrape-jobs";

export const monitoringAlerts: AlertGenerator = (settings) => {
  const a = settings.alerts;
  const prometheus = { category: "monitoring" as const, owner: infraOwner("prometheus") };
  const alerts: AlertSpec[] = [
    {
      ...prometheus,
      alert: WATCHDOG_ALERT,
      severity: "info",
      expr: "vector(1)",
      summary: "Alerting pipeline heartbeat",
      description: "Always firing. A dead man's switch pages when this alert stops arriving: Prometheus, its rules or Alertmanager are then broken.",
    },
    {
      ...prometheus,
      alert: "PrometheusRuleEvaluationFailures",
      severity: "critical",
      expr: "increase(prometheus_rule_evaluation_failures_total[5m]) > 0",
      for: a.ruleFailuresFor,
      summary: "Prometheus fails to evaluate rules",
      description: `{{ $value | humanize }} evaluations of rule group {{ $labels.rule_group }} failed in the last 5m on {{ $labels.instance }}; its alerts cannot fire.`,
    },
    {
      ...prometheus,
      alert: "PrometheusNotificationsFailing",
      severity: "critical",
      expr: `rate(prometheus_notifications_errors_total[5m]) / rate(prometheus_notifications_sent_total[5m]) > ${a.notificationsFailingRatio}`,
      for: a.notificationsFailingFor,
      summary: "Prometheus cannot deliver alerts to Alertmanager",
      description: `{{ $value | humanizePercentage }} of alert batches from {{ $labels.instance }} to {{ $labels.alertmanager }} failed in the last 5m (threshold ${percent(a.notificationsFailingRatio)}).`,
    },
    {
      ...prometheus,
      alert: "PrometheusConfigReloadFailed",
      severity: "warning",
      expr: "prometheus_config_last_reload_successful == 0",
      for: a.configReloadFor,
      summary: "Prometheus configuration reload failed",
      description: `{{ $labels.instance }} rejected its last configuration reload (successful = {{ $value }}) and still runs the previous configuration.`,
    },
    {
      category: "monitoring",
      owner: infraOwner("alertmanager"),
      alert: "AlertmanagerNotificationsFailing",
      severity: "critical",
      expr:
        "sum by (job, instance, integration) (rate(alertmanager_notifications_failed_total[5m]))" +
        ` / sum by (job, instance, integration) (rate(alertmanager_notifications_total[5m])) > ${a.notificationsFailingRatio}`,
      for: a.notificationsFailingFor,
      summary: "Alertmanager cannot deliver {{ $labels.integration }} notifications",
      description: `{{ $value | humanizePercentage }} of {{ $labels.integration }} notifications from {{ $labels.instance }} failed in the last 5m (threshold ${percent(a.notificationsFailingRatio)}).`,
    },
  ];
  for (const { job, owner, up } of scrapeJobs(settings).filter((j) => j.watched)) {
    alerts.push({
      category: "monitoring",
      owner,
      alert: "TargetMissing",
      severity: "critical",
      expr: `absent(${up}{job=${promString(job)}})`,
      for: a.targetMissingFor,
      summary: `No target of ${owner.service ?? job} is scraped`,
      description: `Prometheus has no ${up} series for job ${job} for ${a.targetMissingFor}: the target left the scrape configuration or service discovery, so ServiceDown cannot fire for it.`,
    });
  }
  return alerts;
};
