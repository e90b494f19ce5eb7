// PromQL over one service's request metrics (names from settings.services[].metrics), per job.
import type { ResolvedService } from "../../settings";
import { promString } from "./rule";

/** The rate window of the error and latency alerts. */
export const RATE_WINDOW = "5m";

const job = (svc: ResolvedService) => `job=${promString(svc.job)}`;

/** Share of the service's requests answered with an error code, over `window` (ending `offset` ago). */
export function errorRatio(svc: ResolvedService, window = RATE_WINDOW, offset?: string): string {
  const { requests, errorCodes } = svc.metrics;
  const at = offset ? ` offset ${offset}` : "";
  return (
    `sum by (job) (rate(${requests}{${job(svc)}, code=~${promString(errorCodes)}}[${window}]${at}))` +
    ` / sum by (job) (rate(${requests}{${job(svc)}}[${window}]${at}))`
  );
}

/** The q-quantile of the service's request duration. histogram_quantile reads `le` as a number, so 2.x "1" and 3.x "1.0" both work. */
export const latencyQuantile = (svc: ResolvedService, q: number): string =>
  `histogram_quantile(${q}, sum by (job, le) (rate(${svc.metrics.duration}_bucket{${job(svc)}}[${RATE_WINDOW}])))`;

/** Newest start time of the service's processes (the client libraries' standard metric). */
export const newestProcessStart = (svc: ResolvedService): string => `max by (job) (process_start_time_seconds{${job(svc)}})`;
