// Availability: a scraped target is down, or keeps coming and going.
import { SERVICE_ALERTS } from "../conventions";
import { AlertGenerator } from "./rule";
import { quote } from "../promql";
import { scrapeJobs } from "../scrape-jobs";

/** How far back TargetFlapping counts up/down changes. */
const FLAPPING_WINDOW = "15m";

export const availabilityAlerts: AlertGenerator = (settings) => {
  const a = settings.alerts;
  return scrapeJobs(settings).filter((j) => j.watched).flatMap(({ job, owner, up }) => {
    const name = owner.service ?? job;
    const sel = `${up}{job=${quote(job)}}`;
    return [
      {
        alert: SERVICE_ALERTS.down,
        severity: "critical" as const,
        category: "availability" as const,
        owner,
        expr: `${sel} == 0`,
        for: a.serviceDownFor,
        summary: `${name} is down`,
        description: `Prometheus cannot scrape {{ $labels.instance }} of ${name} (job ${job}, up = {{ $value }}) for more than ${a.serviceDownFor}.`,
      },
      {
        alert: "TargetFlapping",
        severity: "warning" as const,
        category: "availability" as const,
        owner,
        expr: `changes(${sel}[${FLAPPING_WINDOW}]) >= ${a.flappingChanges}`,
        for: a.flappingFor,
        summary: `${name} keeps going up and down`,
        description: `{{ $labels.instance }} of ${name} (job ${job}) changed between up and down {{ $value }} times in the last ${FLAPPING_WINDOW}.`,
      },
    ];
  });
};
