// npm run bench -- lambdas: each forwarder's esbuild bundle beside an unbundled build of the same
// code (every module transpiled on its own, packages resolved from node_modules): size, and
// import time in a fresh node process (the part of a cold start the artifact controls), as the
// median of several runs. Then the ways of reading an SSM secret, by what their import costs:
// the AWS SDK's SSM client (what the runtime ships), aws4fetch (signs a plain fetch; what the
// forwarders use) and the Parameters and Secrets extension (a fetch to localhost, no library).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildSync } from "esbuild";
import { bundleLambda } from "../lambdas/bundle";
import { FORWARDERS } from "../lambdas/contract";
import { runnableDir, writeRunnable } from "../tools/lambda-runnable";

const REPO = path.resolve(__dirname, "..");
const RUNS = 15;
const IMPORT_TIMER = "const t = process.hrtime.bigint(); require(process.argv[1]); console.log(Number(process.hrtime.bigint() - t) / 1e6);";

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Milliseconds to require `file` in a fresh node process, median of RUNS. */
function importMs(file: string): number {
  const times = Array.from({ length: RUNS }, () => {
    const r = spawnSync(process.execPath, ["-e", IMPORT_TIMER, file], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`requiring ${file} failed: ${r.stderr}`);
    return Number(r.stdout.trim());
  });
  return median(times);
}

/** Every lambdas/ module transpiled to its own .js file, beside a node_modules link. */
function unbundledBuild(): string {
  const dir = runnableDir("unbundled");
  const sources = fs
    .readdirSync(path.join(REPO, "lambdas"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && f !== "bundle.ts")
    .map((f) => path.join(REPO, "lambdas", f));
  buildSync({ entryPoints: sources, outdir: path.join(dir, "lambdas"), outbase: path.join(REPO, "lambdas"), bundle: false, platform: "node", target: "node20", format: "cjs", logLevel: "silent" });
  return dir;
}

/** Bytes an unbundled deployment loads: our transpiled modules plus the package files they pull in. */
function unbundledBytes(inputs: string[], dir: string): number {
  return inputs.reduce((sum, input) => {
    const file = input.startsWith("node_modules/") ? path.join(REPO, input) : path.join(dir, input.replace(/\.ts$/, ".js"));
    return sum + fs.statSync(file).size;
  }, 0);
}

export async function run(): Promise<void> {
  const unbundled = unbundledBuild();
  const readers = {
    "@aws-sdk/client-ssm (runtime-provided SDK)": writeRunnable('require("@aws-sdk/client-ssm");', "sdk-only"),
    "aws4fetch (signed fetch, bundled)": writeRunnable('require("aws4fetch");', "aws4fetch-only"),
    "Parameters and Secrets extension (plain fetch)": writeRunnable("fetch;", "extension-only"),
  };
  const cleanup = [unbundled, ...Object.values(readers).map((r) => r.dir)];
  try {
    const readerMs = Object.entries(readers).map(([what, r]) => [what, importMs(r.file)] as const);
    const rows = FORWARDERS.map((name) => {
      const bundle = bundleLambda(name);
      const runnable = writeRunnable(bundle.code, name);
      cleanup.push(runnable.dir);
      const plainBytes = unbundledBytes(bundle.inputs, unbundled);
      const bundleMs = importMs(runnable.file);
      const plainMs = importMs(path.join(unbundled, "lambdas", name, "index.js"));
      return { name, bundleBytes: bundle.bytes, plainBytes, bundleMs, plainMs, files: bundle.inputs.length };
    });
    console.log(`import time: median of ${RUNS} fresh node processes`);
    console.log("forwarder  | bundle          | unbundled                 | size ratio | import bundle | import unbundled | time ratio");
    for (const r of rows) {
      console.log(
        [
          r.name.padEnd(10),
          `${(r.bundleBytes / 1024).toFixed(1)} KiB, 1 file`.padEnd(15),
          `${(r.plainBytes / 1024).toFixed(1)} KiB, ${r.files} files`.padEnd(25),
          `${(r.bundleBytes / r.plainBytes).toFixed(2)}x`.padEnd(10),
          `${r.bundleMs.toFixed(1)} ms`.padEnd(13),
          `${r.plainMs.toFixed(1)} ms`.padEnd(16),
          `${(r.bundleMs / r.plainMs).toFixed(2)}x`,
        ].join(" | "),
      );
    }
    const [sdk] = readerMs;
    console.log("\nreading an SSM secret       | import  | vs the SDK client");
    for (const [what, ms] of readerMs) console.log(`${what.padEnd(47)} | ${`${ms.toFixed(1)} ms`.padEnd(8)} | ${(ms / sdk[1]).toFixed(2)}x`);
    console.log("(the extension also needs its Lambda layer, a process of its own that starts with the function; its cache cannot be bypassed when a receiver rejects a rotated secret)");
  } finally {
    for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
  }
}
