// Latency: a latency SLO's percentile above its threshold for a sustained period. A latency
// SLO "objective% of requests under thresholdSeconds" is breached exactly when the
// objective-th percentile is above the threshold, so the percentile follows the objective.
import { LABELS, SERVICE_ALERTS } from "../conventions";
import { AlertGenerator, serviceOwner } from "./rule";
import { latencyQuantile, RATE_WINDOW } from "./service-metrics";

export const latencyAlerts: AlertGenerator = (settings) =>
  settings.services.flatMap((svc) =>
    svc.slo.latency.map((slo) => {
      const percentile = `P${slo.objective}`;
      return {
        alert: SERVICE_ALERTS.highLatency,
        severity: "critical" as const,
        category: "latency" as const,
        owner: serviceOwner(svc),
        labels: { [LABELS.slo]: slo.name },
        expr: `${latencyQuantile(svc, slo, slo.objective / 100)} > ${slo.thresholdSeconds}`,
        for: settings.alerts.latencyFor,
        summary: `${svc.name} ${percentile} latency above ${slo.thresholdSeconds}s`,
        description: `${percentile} latency of ${svc.name} is {{ $value | humanizeDuration }} over the last ${RATE_WINDOW}, above the ${slo.name} SLO threshold of ${slo.thresholdSeconds}s for ${settings.alerts.latencyFor}.`,
      };
    }),
  );
