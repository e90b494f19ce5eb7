// Availability: a scraped target is down, or keeps coming and going.
import { SERVICE_ALERTS } from "../conventions";
import { AlertGenerator } from "./rule";
import { targetSelector } from "../slo/sli";
import { watchedJobs } from "./service-metrics";

/** How far back TargetFlapping counts up/down changes. */
const FLAPPING_WINDOW = "15m";

export const availabilityAlerts: AlertGenerator = (settings) => {
  const a = settings.alerts;
  return watchedJobs(settings).flatMap(({ up, watched: w }) => {
    const sel = targetSelector(w.target, up);
    return [
      {
        alert: SERVICE_ALERTS.down,
        severity: "critical" as const,
        category: "availability" as const,
        owner: w.owner,
        expr: w.quiet(`${sel} == 0`),
        for: a.serviceDownFor,
        summary: `${w.name} is down`,
        description: `Prometheus cannot scrape {{ $labels.instance }} of ${w.name} (job ${w.job}, up = {{ $value }}) for more than ${a.serviceDownFor}.`,
      },
      {
        alert: "TargetFlapping",
        severity: "warning" as const,
        category: "availability" as const,
        owner: w.owner,
        expr: w.quiet(`changes(${sel}[${FLAPPING_WINDOW}]) >= ${a.flappingChanges}`),
        for: a.flappingFor,
        summary: `${w.name} keeps going up and down`,
        description: `{{ $labels.instance }} of ${w.name} (job ${w.job}) changed between up and down {{ $value }} times in the last ${FLAPPING_WINDOW}.`,
      },
    ];
  });
};
