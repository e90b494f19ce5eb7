// Small PromQL builders shared by the SLO rules.

const quote = (v: string): string => JSON.stringify(v);

/** `name{k="v",...,r=~"re"}` from exact and regex matchers. */
export function selector(name: string, equal: Record<string, string>, regex: Record<string, string> = {}): string {
  const matchers = [
    ...Object.entries(equal).map(([k, v]) => `${k}=${quote(v)}`),
    ...Object.entries(regex).map(([k, v]) => `${k}=~${quote(v)}`),
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
