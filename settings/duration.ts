// Prometheus durations (30s, 5m, 1h30m) as seconds, for arithmetic on settings.

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/** Seconds in a Prometheus duration such as 1h30m (settings have checked the syntax). */
export function durationSeconds(duration: string): number {
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/([0-9]+)(ms|s|m|h|d|w|y)/g)) total += Number(n) * UNIT_SECONDS[unit];
  return total;
}
