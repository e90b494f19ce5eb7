// npm run bench [-- <part> ...] [--full]: runs the benchmarks (all parts when none is named), quick
// unless --full. Each part
// measures its subject beside a baseline in the same run and prints ratios.
import { runMain, UsageError } from "./args";

const PARTS: Record<string, () => Promise<{ run: (options: { full: boolean }) => Promise<void> }>> = {
  rules: () => import("../bench/rules/index"),
  lambdas: () => import("../bench/lambdas"),
};

const ABOUT = `
Benchmarks, each beside a baseline measured in the same run, reported as ratios: \`rules\` (the
SLO rules against Sloth's and Pyrra's rule shapes on real Prometheus: samples read, recorded
series, accuracy) and \`lambdas\` (forwarder bundle size and import time). Without a part, runs all.

  rules | lambdas            the parts to run
  --full                     the full rules bench: 100 services instead of 10 in two
                             evaluation phases, and rule-group evaluation time at 1000 services
                             (about 25 minutes; the default quick run, three phases, about 3)
  --help, -h                 this text
`;

runMain(`npm run bench [-- ${Object.keys(PARTS).join(" | ")}] [--full]`, async (argv) => {
  const full = argv.includes("--full");
  const parts = argv.filter((a) => a !== "--full");
  const unknown = parts.filter((p) => !(p in PARTS));
  if (unknown.length > 0) throw new UsageError(`unknown benchmark part: ${unknown.join(", ")}`);
  for (const part of parts.length > 0 ? parts : Object.keys(PARTS)) {
    console.log(`\n== bench: ${part}${full ? " (full)" : ""}`);
    await (await PARTS[part]()).run({ full });
  }
}, ABOUT);
