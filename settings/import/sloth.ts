// Sloth `prometheus/v1` specs, and the same in Sloth's Kubernetes form (PrometheusServiceLevel):
// one service, its SLOs with `sli.events` (error_query and total_query, with {{.window}}).
// Sloth's period is a generator flag (30 days unless told), not part of the spec, so it is given
// here. Raw error-ratio SLIs and plugins are refused.
import { show } from "../errors";
import { ImportError, ImportedService, byService, nameOf } from "./entries";
import { isObject, type Json } from "./json";

/** Sloth's Kubernetes form (CRD PrometheusServiceLevel: the spec under `spec`, camelCase SLI fields) as a prometheus/v1 spec. */
function fromKubernetes(doc: Json): Json {
  const spec = isObject(doc.spec) ? doc.spec : {};
  const slos = (Array.isArray(spec.slos) ? spec.slos : []).map((raw) => {
    const slo = isObject(raw) ? raw : {};
    const sli = isObject(slo.sli) ? slo.sli : {};
    const events = isObject(sli.events) ? { error_query: sli.events.errorQuery, total_query: sli.events.totalQuery } : undefined;
    const rawSli = isObject(sli.raw) ? { error_ratio_query: sli.raw.errorRatioQuery } : undefined;
    return { ...slo, sli: { ...(events ? { events } : {}), ...(rawSli ? { raw: rawSli } : {}), ...(sli.plugin ? { plugin: sli.plugin } : {}) } };
  });
  return { version: "prometheus/v1", service: spec.service, labels: spec.labels, slos };
}

const isKubernetes = (doc: unknown): doc is Json => isObject(doc) && doc.apiVersion === "sloth.slok.dev/v1" && doc.kind === "PrometheusServiceLevel";

export function fromSloth(source: unknown, where: string, periodDays: number): ImportedService[] {
  const doc = isKubernetes(source) ? fromKubernetes(source) : source;
  if (!isObject(doc) || doc.version !== "prometheus/v1") {
    const got = isObject(doc) ? (doc.apiVersion !== undefined ? `apiVersion ${show(doc.apiVersion)}, kind ${show(doc.kind)}` : `version ${show(doc.version)}`) : show(doc);
    throw new ImportError(`${where}: not a Sloth spec (version "prometheus/v1", or apiVersion sloth.slok.dev/v1 with kind PrometheusServiceLevel; got ${got})`);
  }
  const owner = isObject(doc.labels) && typeof doc.labels.owner === "string" ? doc.labels.owner : undefined;
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
      if (sli.plugin) throw new ImportError(`${at} (${nameOf(name)}): sli.plugin cannot be imported; a Sloth plugin runs Go code that has no PromQL to carry over. Rewrite it as sli.events`);
      if (sli.raw) {
        throw new ImportError(`${at} (${nameOf(name)}): sli.raw (an error-ratio query) cannot be imported: without the total it averages ratios instead of counting events. Rewrite it as sli.events with error_query and total_query`);
      }
      const events = isObject(sli.events) ? sli.events : undefined;
      if (!events || typeof events.error_query !== "string" || typeof events.total_query !== "string") {
        throw new ImportError(`${at} (${nameOf(name)}): sli.events needs error_query and total_query`);
      }
      const notes = [
        ...(slo.alerting ? [`${name}: Sloth's alerting (names, labels, annotations) is not carried over; this stack names its burn-rate alerts and routes them by notifications.routing`] : []),
        ...(owner && i === 0 ? [`${nameOf(service)}: Sloth's owner label is ${show(owner)}; set the service's team to the notifications.teams entry of that team`] : []),
      ];
      return { service, slo: { name, objective, periodDays, errors: events.error_query, total: events.total_query }, notes };
    }),
  );
}
