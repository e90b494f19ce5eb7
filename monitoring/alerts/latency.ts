// Latency: a latency SLO's percentile above its threshold for a sustained period. A latency
// SLO "objective% of requests under thresholdSeconds" is breached exactly when the
// objective-th percentile is above the threshold, so the percentile follows the objective.
// Services whose latency SLOs are alike share the rule.
import { LABELS, SERVICE_ALERTS } from "../conventions";
import { AlertGenerator } from "./rule";
import { latencyQuantile, RATE_WINDOW, watchedBy } from "./service-metrics";

export const latencyAlerts: AlertGenerator = (settings) => {
  const slos = settings.services.flatMap((svc) => svc.slo.latency.map((slo) => ({ svc, slo })));
  const key = ({ slo }: (typeof slos)[number]) => JSON.stringify([slo.name, slo.objective, slo.metric, slo.thresholdSeconds, slo.selector ?? ""]);
  return watchedBy(slos, (x) => x.svc, key).map(({ first: { slo }, watched: w }) => {
    const percentile = `P${slo.objective}`;
    return {
      alert: SERVICE_ALERTS.highLatency,
      severity: "critical" as const,
      category: "latency" as const,
      owner: w.owner,
      labels: { [LABELS.slo]: slo.name },
      expr: w.quiet(`${latencyQuantile(w, slo, slo.objective / 100)} > ${slo.thresholdSeconds}`),
      for: settings.alerts.latencyFor,
      summary: `${w.name} ${percentile} latency above ${slo.thresholdSeconds}s`,
      description: `${percentile} latency of ${w.name} is {{ $value | humanizeDuration }} over the last ${RATE_WINDOW}, above the ${slo.name} SLO threshold of ${slo.thresholdSeconds}s for ${settings.alerts.latencyFor}.`,
    };
  });
};
