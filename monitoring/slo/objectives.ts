// The SLOs of a stack: every service × (HTTP availability, each latency objective, each events
// SLI), each with its SLI, objective, period and the labels its recorded series carry; and the
// same as the rules compute them, the services that share an SLO's settings in one.
import type { Calendar, MaintenanceWindow, ResolvedService, Settings, Tiers } from "../../settings";
import { AVAILABILITY_SLO, LABELS } from "../conventions";
import { ratioOf, selector } from "../promql";
import { shareBy } from "../sharing";
import { Sli, SliTarget, eventsSli, histogramLatency, httpAvailability, jobTarget, servicesTarget, timesliceSli } from "./sli";

export interface Slo {
  /** The service; for the SLO of several services (ruleSlosOf), the first of them. */
  service: ResolvedService;
  /** The services whose SLO this is: one, or all that share its settings. */
  services: ResolvedService[];
  /** The `slo` label: `availability`, or the latency or events SLO's name. */
  name: string;
  /** Objective as a ratio, e.g. 0.999. */
  objective: number;
  /** Error budget as a ratio of events: 1 - objective, e.g. 0.001. */
  budget: number;
  periodDays: number;
  /** Burn-rate tiers (by long window) turned off or given their own severity. */
  tiers: Tiers;
  /** A calendar period (month or week) instead of the rolling `periodDays` (then their nominal length). */
  calendar?: Calendar;
  /** The maintenance windows of its service (shared rules: of all its services alike). */
  maintenance: MaintenanceWindow[];
  /** Labels every recorded series of this SLO carries. */
  labels: Record<string, string>;
  sli: Sli;
  /** Selects this SLO's recorded series: `{service="...",slo="..."}` after a metric name. */
  of(metric: string): string;
  /**
   * The labels its series are told apart by inside one rule: none for one service (the rule's
   * labels name it), service, plane and team for several (their scrape jobs attach them).
   */
  by: string[];
  /** For several services: one series (1) per service whose scrape target is configured, up or down, with its labels. */
  presence?: string;
  /** What services must share to share the SLO's rules, and its SLI over another target; none when it cannot be shared (an events SLI). */
  shape?: { key: string; sli(target: SliTarget): Sli };
}

function sloLabels(service: ResolvedService, name: string): Record<string, string> {
  const labels: Record<string, string> = { [LABELS.service]: service.name, [LABELS.plane]: service.plane, [LABELS.slo]: name };
  if (service.team) labels[LABELS.team] = service.team;
  return labels;
}

interface SloSettings {
  objective: number;
  periodDays: number;
  calendar?: Calendar;
  tiers?: Tiers;
}

function slo(service: ResolvedService, name: string, settings: SloSettings, sliOf: (t: SliTarget) => Sli, params?: string): Slo {
  const { objective: objectivePercent, periodDays, calendar, tiers = {} } = settings;
  return {
    service,
    services: [service],
    name,
    objective: ratioOf(objectivePercent),
    budget: ratioOf(100 - objectivePercent),
    periodDays,
    calendar,
    tiers,
    maintenance: service.maintenance,
    labels: sloLabels(service, name),
    sli: sliOf(jobTarget(service)),
    of: (metric) => selector(metric, { [LABELS.service]: service.name, [LABELS.slo]: name }),
    by: [],
    // Only services scraped here carry the service label their shared rules select by.
    shape: service.targets.length > 0 && params !== undefined ? { key: JSON.stringify([name, objectivePercent, periodDays, calendar, tiers, service.maintenance, params]), sli: sliOf } : undefined,
  };
}

export function slosOf(settings: Settings): Slo[] {
  return settings.services.flatMap((svc) => [
    ...(svc.slo.availability
      ? [slo(svc, AVAILABILITY_SLO, svc.slo.availability, (t) => httpAvailability(svc.metrics, t), `${svc.metrics.up}|${svc.metrics.requests}|${svc.metrics.errorCodes}`)]
      : []),
    ...svc.slo.latency.map((l) => slo(svc, l.name, l, (t) => histogramLatency(l, t), `${svc.metrics.up}|${l.metric}|${l.thresholdSeconds}|${l.selector ?? ""}`)),
    ...svc.slo.events.map((e) => slo(svc, e.name, e, () => eventsSli(e))),
    ...svc.slo.timeslices.map((t) => slo(svc, t.name, t, (target) => timesliceSli(svc.metrics, t, target), JSON.stringify([svc.metrics, t.slice, t.good]))),
  ]);
}

/** One SLO for all the services that share its settings, its series told apart by the labels their scrape jobs attach. */
function shared(slos: Slo[]): Slo {
  const [first] = slos;
  const services = slos.map((s) => s.service);
  const target = servicesTarget(services);
  const only = { [LABELS.service]: target.regex[LABELS.service] };
  const presence = `group by (${target.by.join(", ")}) (${selector(first.service.metrics.up, {}, only)})`;
  return { ...first, services, labels: { [LABELS.slo]: first.name }, sli: first.shape!.sli(target), of: (metric) => selector(metric, { [LABELS.slo]: first.name }, only), by: target.by, presence };
}

/** The SLOs as the rules compute them: services sharing an SLO's settings in one, the others (events SLIs, services scraped elsewhere) alone. */
export const ruleSlosOf = (settings: Settings): Slo[] =>
  shareBy(slosOf(settings), (s) => s.shape?.key).map((group) => (group[0].shape ? shared(group) : group[0]));

/** An expression summed across the SLO's series: to one series for one service, per service for several. */
export const agg = (slo: Slo, expr: string): string => (slo.by.length > 0 ? `sum by (${slo.by.join(", ")}) (${expr})` : `sum(${expr})`);

/** An SLI's rate (summed by its target's labels) as the SLO's series: to one series for one service; already per service for several. */
export const sliSeries = (slo: Slo, expr: string): string => (slo.by.length > 0 ? expr : `sum(${expr})`);

/** The matching clause between two of the SLO's expressions: one series each for one service, per service for several. */
export const on = (slo: Slo): string => `on (${slo.by.join(", ")})`;
