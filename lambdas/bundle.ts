// Bundles a forwarder into one small, self-contained CommonJS file at program time. The
// forwarders read SSM with a signed fetch, not the AWS SDK; should an SDK import creep back
// in, it stays external (the runtime ships it) and the bundle test names it.
import * as path from "node:path";
import { buildSync } from "esbuild";
import { Forwarder } from "./contract";

export interface Bundle {
  /** The bundled `index.js`; its `handler` export is the Lambda handler. */
  code: string;
  bytes: number;
  /** Repository-relative paths of the files esbuild pulled in (sources and packages). */
  inputs: string[];
}

const REPO_ROOT = path.join(__dirname, "..");

export function bundleLambda(name: Forwarder, options: { minify?: boolean } = {}): Bundle {
  const result = buildSync({
    entryPoints: [path.join(__dirname, name, "index.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    minify: options.minify ?? true,
    external: ["@aws-sdk/*"],
    write: false,
    metafile: true,
    absWorkingDir: REPO_ROOT,
    logLevel: "silent",
  });
  const code = result.outputFiles[0].text;
  return { code, bytes: Buffer.byteLength(code), inputs: Object.keys(result.metafile.inputs) };
}
