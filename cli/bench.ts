// npm run bench [-- <part> ...]: runs the benchmarks (all parts when none is named). Each part
// measures its subject beside a baseline in the same run and prints ratios.
import { runMain, UsageError } from "./args";

const PARTS: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  rules: () => import("../bench/rules/index"),
  lambdas: () => import("../bench/lambdas"),
};

const ABOUT = `
Benchmarks, each beside a baseline measured in the same run, reported as ratios: \`rules\` (the
SLO rules against Sloth's and Pyrra's rule shapes on real Prometheus: samples read, recorded
series, accuracy) and \`lambdas\` (forwarder bundle size and import time). Without a part, runs all.

  rules | lambdas            the parts to run
  --help, -h                 this text
`;

runMain(`npm run bench [-- ${Object.keys(PARTS).join(" | ")}]`, async (argv) => {
  const unknown = argv.filter((p) => !(p in PARTS));
  if (unknown.length > 0) throw new UsageError(`unknown benchmark part: ${unknown.join(", ")}`);
  for (const part of argv.length > 0 ? argv : Object.keys(PARTS)) {
    console.log(`\n== bench: ${part}`);
    await (await PARTS[part]()).run();
  }
}, ABOUT);
