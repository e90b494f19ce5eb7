// Sloth `prometheus/v1` specs: one service, its SLOs with `sli.events` (error_query and
// total_query, with {{.window}}). Sloth's period is a generator flag (30 days unless told),
// not part of the spec, so it is given here. Raw error-ratio SLIs and plugins are refused.
import { ImportError, ImportedService, byService } from "./entries";
import { isObject } from "./json";

export function fromSloth(doc: unknown, where: string, periodDays: number): ImportedService[] {
  if (!isObject(doc) || doc.version !== "prometheus/v1") {
    throw new ImportError(`${where}: not a Sloth spec (version must be "prometheus/v1", got ${JSON.stringify(isObject(doc) ? doc.version : doc)})`);
  }
  const service = doc.service;
  if (typeof service !== "string" || service === "") throw new ImportError(`${where}: service is missing`);
  const slos = Array.isArray(doc.slos) ? doc.slos : [];
  if (slos.length === 0) throw new ImportError(`${where}: slos is empty`);
  return byService(
    slos.map((raw, i) => {
      const at = `${where}: slos[${i}]`;
      const slo = isObject(raw) ? raw : {};
      const name = slo.name;
      if (typeof name !== "string") throw new ImportError(`${at}.name is missing`);
      const objective = slo.objective;
      if (typeof objective !== "number") throw new ImportError(`${at}.objective is missing (Sloth writes it in percent, e.g. 99.9)`);
      const sli = isObject(slo.sli) ? slo.sli : {};
      if (sli.plugin) throw new ImportError(`${at} (${name}): sli.plugin cannot be imported; a Sloth plugin runs Go code that has no PromQL to carry over. Rewrite it as sli.events`);
      if (sli.raw) {
        throw new ImportError(`${at} (${name}): sli.raw (an error-ratio query) cannot be imported: without the total it averages ratios instead of counting events. Rewrite it as sli.events with error_query and total_query`);
      }
      const events = isObject(sli.events) ? sli.events : undefined;
      if (!events || typeof events.error_query !== "string" || typeof events.total_query !== "string") {
        throw new ImportError(`${at} (${name}): sli.events needs error_query and total_query`);
      }
      const notes = slo.alerting ? [`${name}: Sloth's alerting (names, labels, annotations) is not carried over; this stack names its burn-rate alerts and routes them by notifications.routing`] : [];
      return { service, slo: { name, objective, periodDays, errors: events.error_query, total: events.total_query }, notes };
    }),
  );
}
