// The stacks under test, rendered once per test file, and settings variants for unit tests.
import * as path from "node:path";
import { parseSettings, readStackFile, type Settings } from "../../settings";
import { DOCKER_PEERS, type RenderOptions } from "../../monitoring/layout";
import { stackFile } from "../helpers/pulumi-program";
import { renderTo, tmpDir } from "../helpers/tools";

export const STACKS = ["dev", "prod"] as const;

/** Render options whose secrets folder is a fresh absolute temporary path. */
export const testRender = (): RenderOptions => ({ secretsDir: path.join(tmpDir("ananta-secrets-"), "secrets"), peers: DOCKER_PEERS });

/** A stack's settings with some notifications keys replaced. */
export function withNotifications(stack: string, notifications: Record<string, unknown>): Settings {
  const raw = readStackFile(stackFile(stack));
  const current = (raw.values.notifications ?? {}) as Record<string, unknown>;
  return parseSettings({ ...raw, values: { ...raw.values, notifications: { ...current, ...notifications } } }, `${stack} (test variant)`, { requireSecrets: false });
}

export { renderTo };
