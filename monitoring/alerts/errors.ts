// Errors: the share of requests answered with an error code, at two severities. After an
// incident the 5m ratio takes up to one window to fall from above the critical ratio to below
// the warning one; CriticalErrorRate stays firing for that window, so its inhibition of
// HighErrorRate holds while the ratio decays and recovery does not post a fresh warning.
import { AVAILABILITY_SLO, LABELS, SERVICE_ALERTS } from "../conventions";
import { AlertGenerator, percent } from "./rule";
import { errorRatio, httpServices, RATE_WINDOW } from "./service-metrics";

export const errorAlerts: AlertGenerator = (settings) => {
  const a = settings.alerts;
  const levels = [
    { alert: SERVICE_ALERTS.highErrors, severity: "warning" as const, ratio: a.highErrorRatio, for: a.highErrorFor },
    { alert: SERVICE_ALERTS.criticalErrors, severity: "critical" as const, ratio: a.criticalErrorRatio, for: a.criticalErrorFor, keepFiringFor: RATE_WINDOW },
  ];
  return httpServices(settings.services).flatMap((w) =>
    levels.map((level) => ({
      alert: level.alert,
      severity: level.severity,
      category: "errors" as const,
      owner: w.owner,
      // The SLO whose SLI it reads: its burn-rate page mutes this alert (alertmanager/inhibitions.ts).
      labels: { [LABELS.slo]: AVAILABILITY_SLO },
      expr: w.quiet(`${errorRatio(w)} > ${level.ratio}`),
      for: level.for,
      keepFiringFor: level.keepFiringFor,
      summary: `More than ${percent(level.ratio)} of ${w.name} requests fail`,
      description: `{{ $value | humanizePercentage }} of ${w.name} requests failed (code ${w.services[0].metrics.errorCodes}) over the last ${RATE_WINDOW}, above ${percent(level.ratio)} for ${level.for}.`,
    })),
  );
};
