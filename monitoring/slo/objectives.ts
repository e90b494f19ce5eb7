// The SLOs of a stack: every service × (HTTP availability, each latency objective, each events
// SLI), each with its SLI, objective, period and the labels its recorded series carry.
import type { ResolvedService, Settings } from "../../settings";
import { AVAILABILITY_SLO, LABELS } from "../conventions";
import { ratioOf, selector } from "../promql";
import { Sli, eventsSli, histogramLatency, httpAvailability } from "./sli";

export interface Slo {
  service: ResolvedService;
  /** The `slo` label: `availability`, or the latency or events SLO's name. */
  name: string;
  /** Objective as a ratio, e.g. 0.999. */
  objective: number;
  /** Error budget as a ratio of events: 1 - objective, e.g. 0.001. */
  budget: number;
  periodDays: number;
  /** Labels every recorded series of this SLO carries. */
  labels: Record<string, string>;
  sli: Sli;
  /** Selects this SLO's recorded series: `{service="...",slo="..."}` after a metric name. */
  of(metric: string): string;
}

function sloLabels(service: ResolvedService, name: string): Record<string, string> {
  const labels: Record<string, string> = { [LABELS.service]: service.name, [LABELS.plane]: service.plane, [LABELS.slo]: name };
  if (service.team) labels[LABELS.team] = service.team;
  return labels;
}

function slo(service: ResolvedService, name: string, objectivePercent: number, periodDays: number, sli: Sli): Slo {
  return {
    service,
    name,
    objective: ratioOf(objectivePercent),
    budget: ratioOf(100 - objectivePercent),
    periodDays,
    labels: sloLabels(service, name),
    sli,
    of: (metric) => selector(metric, { [LABELS.service]: service.name, [LABELS.slo]: name }),
  };
}

export function slosOf(settings: Settings): Slo[] {
  return settings.services.flatMap((svc) => [
    ...(svc.slo.availability ? [slo(svc, AVAILABILITY_SLO, svc.slo.availability.objective, svc.slo.availability.periodDays, httpAvailability(svc))] : []),
    ...svc.slo.latency.map((l) => slo(svc, l.name, l.objective, l.periodDays, histogramLatency(svc, l))),
    ...svc.slo.events.map((e) => slo(svc, e.name, e.objective, e.periodDays, eventsSli(e))),
  ]);
}
