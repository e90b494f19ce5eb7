// Synthetic bursty traffic for the rules bench: per service a daily cycle, a low error ratio
// and a few bursts of 5-50x traffic at 2-30% errors; one service's last burst ends minutes
// before the measured instant (the case a period built from whole hours misses). Counts per
// scrape interval are whole numbers, so the exact 30-day ratio (the truth) is known.

/** A small seeded generator (mulberry32): the same traffic on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Burst {
  /** Seconds from the start of the data. */
  from: number;
  to: number;
  traffic: number;
  errorRatio: number;
}

export interface ServiceTraffic {
  /** Requests and errors in each scrape interval, from the start of the data. */
  requests: Uint32Array;
  errors: Uint32Array;
  bursts: Burst[];
}

const DAY = 86_400;

/**
 * `steps` intervals of `scrape` seconds. `lastBurstEnd`, when set, ends one burst that many
 * seconds before the end of the data.
 */
export function serviceTraffic(index: number, steps: number, scrape: number, lastBurstEnd?: number): ServiceTraffic {
  const random = seeded(1000 + index);
  const base = 2 + random() * 40; // requests per second
  const baseErrors = 0.0002 + random() * 0.0008;
  const span = steps * scrape;
  const bursts: Burst[] = Array.from({ length: 3 + Math.floor(random() * 6) }, () => {
    const length = (10 + random() * 80) * 60;
    const from = random() * (span - length);
    return { from, to: from + length, traffic: 5 + random() * 45, errorRatio: 0.02 + random() * 0.28 };
  });
  if (lastBurstEnd !== undefined) bursts.push({ from: span - lastBurstEnd - 25 * 60, to: span - lastBurstEnd, traffic: 30, errorRatio: 0.25 });
  const requests = new Uint32Array(steps);
  const errors = new Uint32Array(steps);
  let carryRequests = 0;
  let carryErrors = 0;
  for (let i = 0; i < steps; i++) {
    const t = i * scrape;
    const burst = bursts.find((b) => t >= b.from && t < b.to);
    const daily = 0.6 + 0.4 * Math.sin((2 * Math.PI * t) / DAY + index);
    const rate = base * daily * (burst ? burst.traffic : 1);
    carryRequests += rate * scrape;
    const n = Math.floor(carryRequests);
    carryRequests -= n;
    carryErrors += n * (burst ? burst.errorRatio : baseErrors);
    const e = Math.min(n, Math.floor(carryErrors));
    carryErrors -= e;
    requests[i] = n;
    errors[i] = e;
  }
  return { requests, errors, bursts };
}

/** Errors ÷ requests over the intervals ending in (end - window, end], both in steps. */
export function exactRatio(t: ServiceTraffic, endStep: number, windowSteps: number): number {
  let r = 0;
  let e = 0;
  for (let i = Math.max(0, endStep - windowSteps); i < endStep; i++) {
    r += t.requests[i];
    e += t.errors[i];
  }
  return r === 0 ? 0 : e / r;
}
