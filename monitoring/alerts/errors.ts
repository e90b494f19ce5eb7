// Errors: the share of requests answered with an error code, at two severities.
import { AlertGenerator, percent, serviceOwner } from "./rule";
import { errorRatio, RATE_WINDOW } from "./service-metrics";

export const errorAlerts: AlertGenerator = (settings) => {
  const a = settings.alerts;
  const levels = [
    { alert: "HighErrorRate", severity: "warning" as const, ratio: a.highErrorRatio, for: a.highErrorFor },
    { alert: "CriticalErrorRate", severity: "critical" as const, ratio: a.criticalErrorRatio, for: a.criticalErrorFor },
  ];
  return settings.services.flatMap((svc) =>
    levels.map((level) => ({
      alert: level.alert,
      severity: level.severity,
      category: "errors" as const,
      owner: serviceOwner(svc),
      expr: `${errorRatio(svc)} > ${level.ratio}`,
      for: level.for,
      summary: `More than ${percent(level.ratio)} of ${svc.name} requests fail`,
      description: `{{ $value | humanizePercentage }} of ${svc.name} requests failed (code ${svc.metrics.errorCodes}) over the last ${RATE_WINDOW}, above ${percent(level.ratio)} for ${level.for}.`,
    })),
  );
};
