// The PromQL toolkit every generator uses (SLO rules, service alerts, validation): string
// literals, regex escaping, selectors, offsets and subquery ranges, safe ratios and numbers
// without binary noise.
import { durationOf } from "./duration";

/** A PromQL string literal (label values and job names may hold quotes or backslashes). */
export const quote = (v: string): string => JSON.stringify(v);

/** A literal inside an RE2 regular expression (PromQL's =~ and Alertmanager's matchers). */
export const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `name{k="v",...,r=~"re",<extra>}` from exact and regex matchers and optional raw matchers. */
export function selector(name: string, equal: Record<string, string>, regex: Record<string, string> = {}, extra?: string): string {
  const matchers = [
    ...Object.entries(equal).map(([k, v]) => `${k}=${quote(v)}`),
    ...Object.entries(regex).map(([k, v]) => `${k}=~${quote(v)}`),
    ...(extra ? [extra] : []),
  ];
  return `${name}{${matchers.join(",")}}`;
}

/**
 * bad / total that is 0, never NaN or Inf, when there was no traffic: the division keeps only
 * series with traffic and `or` fills the rest with 0. Both sides must carry the same labels.
 */
export const safeRatio = (bad: string, total: string): string => `(${bad}) / ((${total}) > 0) or (${total}) * 0`;

/** A percentage from settings (99.9) as a ratio without binary noise (0.999, not 0.9990000000000001). */
export const ratioOf = (percent: number): number => Number((percent / 100).toPrecision(12));

/** A number for an expression or a threshold, without binary noise (14.4, not 14.399999999999999). */
export const num = (n: number): number => Number(n.toPrecision(12));

/** ` offset <offset>`, or nothing. */
export const offsetOf = (offset?: string): string => (offset ? ` offset ${offset}` : "");

/**
 * The subquery range of the `step` grid points inside a window of `seconds` (ending `offset`
 * ago): a second short of the window, so a point on its start, which ends the step before it,
 * is not read.
 */
export const stepsWithin = (seconds: number, step: string, offset?: string): string => `[${durationOf(seconds - 1)}:${step}]${offsetOf(offset)}`;
