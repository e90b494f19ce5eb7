// The stacks under test and the render options of tests that write secret files.
import * as path from "node:path";
import { DOCKER_PEERS, type RenderOptions } from "../../monitoring/layout";
import { tmpDir } from "../helpers/tools";

export const STACKS = ["dev", "prod"] as const;

/** Render options whose secrets folder is a fresh absolute temporary path. */
export const testRender = (): RenderOptions => ({ secretsDir: path.join(tmpDir("ananta-secrets-"), "secrets"), peers: DOCKER_PEERS });
