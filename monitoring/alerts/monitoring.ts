// The monitoring itself: rules failing, notifications not delivered, targets gone missing,
// configuration not reloaded, and the always-firing Watchdog heartbeat (a dead man's switch:
// when it stops arriving, the alerting path is broken).
import { SELF_JOBS, WATCHDOG_ALERT } from "../conventions";
import { AlertGenerator, AlertSpec, infraOwner, percent } from "./rule";
import { quote } from "../promql";
import { isHa } from "../hosts";
import { missing, watchedJobs } from "./service-metrics";
import type { Settings } from "../../settings";

export const monitoringAlerts: AlertGenerator = (settings) => {
  const a = settings.alerts;
  const ha = isHa(settings);
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
      alert: "PrometheusConfigReloadFailed",
      severity: "warning",
      expr: "prometheus_config_last_reload_successful == 0",
      for: a.configReloadFor,
      summary: "Prometheus configuration reload failed",
      description: `{{ $labels.instance }} rejected its last configuration reload (successful = {{ $value }}) and still runs the previous configuration.`,
    },
  ];
  // With AMP, AMP's Alertmanager sends: nothing is sent from here, and there are no peers.
  if (!settings.aws.amp.enabled) alerts.push(...deliveryAlerts(settings));
  if (ha) alerts.push(...haAlerts(settings));
  for (const { up, watched: w } of watchedJobs(settings)) {
    alerts.push({
      category: "monitoring",
      owner: w.owner,
      alert: "TargetMissing",
      severity: "critical",
      expr: w.quiet(missing(up, w)),
      for: a.targetMissingFor,
      summary: `No target of ${w.name} is scraped`,
      description: `Prometheus has no ${up} series for job ${w.job} for ${a.targetMissingFor}: the target left the scrape configuration or service discovery, so ServiceDown cannot fire for it.`,
    });
  }
  return alerts;
};

/** Alerts leaving Prometheus and notifications leaving Alertmanager: the stack's own delivery path. */
function deliveryAlerts(settings: Settings): AlertSpec[] {
  const a = settings.alerts;
  const prometheus = { category: "monitoring" as const, owner: infraOwner("prometheus") };
  return [
    isHa(settings)
      ? {
          // With peers, one peer unreachable is AlertmanagerPeerDown; this pages when a replica reaches none.
          ...prometheus,
          alert: "PrometheusNotificationsFailing",
          severity: "critical",
          expr: `min without (alertmanager) (rate(prometheus_notifications_errors_total[5m]) / rate(prometheus_notifications_sent_total[5m])) > ${a.notificationsFailingRatio}`,
          for: a.notificationsFailingFor,
          summary: "Prometheus cannot deliver alerts to any Alertmanager peer",
          description: `At least {{ $value | humanizePercentage }} of alert batches from {{ $labels.instance }} failed to every Alertmanager peer in the last 5m (threshold ${percent(a.notificationsFailingRatio)}).`,
        }
      : {
          ...prometheus,
          alert: "PrometheusNotificationsFailing",
          severity: "critical",
          expr: `rate(prometheus_notifications_errors_total[5m]) / rate(prometheus_notifications_sent_total[5m]) > ${a.notificationsFailingRatio}`,
          for: a.notificationsFailingFor,
          summary: "Prometheus cannot deliver alerts to Alertmanager",
          description: `{{ $value | humanizePercentage }} of alert batches from {{ $labels.instance }} to {{ $labels.alertmanager }} failed in the last 5m (threshold ${percent(a.notificationsFailingRatio)}).`,
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
}

/**
 * HA: the redundancy itself. Each is a warning: the other replicas and peers still page, but one
 * more failure would not. Every replica scrapes every replica and peer, so any of them can tell.
 */
function haAlerts(settings: Settings): AlertSpec[] {
  const a = settings.alerts;
  const replicaDown: AlertSpec = {
    category: "monitoring",
    owner: infraOwner("prometheus"),
    alert: "PrometheusReplicaDown",
    severity: "warning",
    expr: `up{job=${quote(SELF_JOBS.prometheus)}} == 0`,
    for: a.peerDownFor,
    summary: "A Prometheus replica is down",
    description: `The replica at {{ $labels.instance }} has not answered scrapes for ${a.peerDownFor}: the others still evaluate every rule, but the stack runs without its redundancy.`,
  };
  if (settings.aws.amp.enabled) return [replicaDown];
  return [
    replicaDown,
    {
      category: "monitoring",
      owner: infraOwner("alertmanager"),
      alert: "AlertmanagerPeerDown",
      severity: "warning",
      expr: `up{job=${quote(SELF_JOBS.alertmanager)}} == 0`,
      for: a.peerDownFor,
      summary: "An Alertmanager peer is down or refuses Prometheus",
      description: `The peer at {{ $labels.instance }} has not answered scrapes for ${a.peerDownFor} (down, or refusing the API credentials): the other peers still send notifications.`,
    },
    {
      category: "monitoring",
      owner: infraOwner("alertmanager"),
      alert: "AlertmanagerClusterMemberMissing",
      severity: "warning",
      // Against the peers Prometheus is configured with (down ones included), not those reporting.
      expr: `alertmanager_cluster_members{job=${quote(SELF_JOBS.alertmanager)}} < on () group_left () count(up{job=${quote(SELF_JOBS.alertmanager)}})`,
      for: a.peerDownFor,
      summary: "An Alertmanager peer is missing from the cluster",
      description: `{{ $labels.instance }} sees {{ $value }} cluster members, fewer than the configured peers, for ${a.peerDownFor}: a peer is down or gossip between peers is cut (each side then notifies on its own, so notifications repeat).`,
    },
  ];
}
