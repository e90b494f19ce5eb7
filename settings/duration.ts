// Prometheus durations (30s, 5m, 1h30m) as seconds, for arithmetic on settings.

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/** Seconds in a Prometheus duration such as 1h30m (settings have checked the syntax). */
export function durationSeconds(duration: string): number {
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/([0-9]+)(ms|s|m|h|d|w|y)/g)) total += Number(n) * UNIT_SECONDS[unit];
  return total;
}

/** Whole seconds as a Prometheus duration: 86699 → 1d4m59s. */
export function durationOf(seconds: number): string {
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["m", 60], ["s", 1]] as const) {
    if (rest >= size) parts.push(`${Math.floor(rest / size)}${unit}`);
    rest %= size;
  }
  return parts.join("") || "0s";
}
