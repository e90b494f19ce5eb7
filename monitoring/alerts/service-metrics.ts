// PromQL of the service alerts over a service's SLIs (monitoring/slo/sli.ts), per job: the
// error-rate and deployment alerts read the HTTP availability SLI, HighLatency each latency
// SLO's histogram. A service without HTTP metrics (slo.availability: false) has neither.
import type { ResolvedService } from "../../settings";
import { histogramLatency, httpAvailability, jobTarget } from "../slo/sli";
import { quote } from "../promql";

/** The rate window of the error and latency alerts. */
export const RATE_WINDOW = "5m";

/** Share of the service's requests answered with an error code, over `window` (ending `offset` ago). */
export function errorRatio(svc: ResolvedService, window = RATE_WINDOW, offset?: string): string {
  const sli = httpAvailability(svc.metrics, jobTarget(svc));
  return `(${sli.errors(window, offset)}) / ${sli.total(window, offset)}`;
}

/** The q-quantile of a latency SLO's histogram. */
export const latencyQuantile = (svc: ResolvedService, slo: ResolvedService["slo"]["latency"][number], q: number): string =>
  histogramLatency(slo, jobTarget(svc)).quantile(q, RATE_WINDOW);

/** Services whose HTTP request metrics the error and deployment alerts read. */
export const httpServices = (services: readonly ResolvedService[]): ResolvedService[] => services.filter((s) => s.slo.availability !== false);

/** Newest start time of the service's processes (the client libraries' standard metric). */
export const newestProcessStart = (svc: ResolvedService): string => `max by (job) (process_start_time_seconds{job=${quote(svc.job)}})`;
