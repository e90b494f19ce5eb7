// The running totals the totals group records, summed from their 5-minute increases as the
// rule sums them: each value adds its increase to the value 5 minutes before (and starts with
// its own increase where there is none). test/promtool/slo-totals.test.ts checks this against
// the real rule in promtool, so the bench may backfill totals computed here.
import { SLOT_SECONDS } from "../../monitoring/slo/windows";

/** The totals at `times` (epoch seconds), from the increases recorded at every evaluation. */
export function totals(increases: Map<number, number>, times: number[]): Map<number, number> {
  const memo = new Map<number, number>();
  const at = (t: number): number => {
    // Walk back to the chain's start (or a value already summed), then add forward.
    const chain: number[] = [];
    let u = t;
    while (increases.has(u) && !memo.has(u)) {
      chain.push(u);
      u -= SLOT_SECONDS;
    }
    let sum = memo.get(u) ?? 0;
    for (const v of chain.reverse()) memo.set(v, (sum += increases.get(v)!));
    return memo.get(t) ?? 0;
  };
  return new Map(times.map((t) => [t, at(t)]));
}
