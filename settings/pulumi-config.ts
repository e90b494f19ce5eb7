// The Pulumi side of the settings loader: the same validation as a stack file, fed from the
// program's config, plus the secret values as Pulumi secrets (encrypted in state).
import * as pulumi from "@pulumi/pulumi";
import { parseSettings } from "./load";
import { RawConfig, Settings, noSecrets } from "./types";
import { PROJECT, SECRET_KEYS, SecretKey, TeamId } from "./schema";

export interface SecretValues {
  pagerdutyKey?: pulumi.Output<string>;
  /** Slack webhook URL by team id. */
  slackWebhooks: Partial<Record<TeamId, pulumi.Output<string>>>;
  smtpPassword?: pulumi.Output<string>;
  grafanaAdminPassword?: pulumi.Output<string>;
}

/** A secret by its config key: `pagerdutyKey`, `smtpPassword`, `grafanaAdminPassword` or `slackWebhooks.<team>`. */
export function secretOf(secrets: SecretValues, key: string): pulumi.Output<string> | undefined {
  const [root, team] = key.split(".");
  if (root === "slackWebhooks") return team === undefined ? undefined : secrets.slackWebhooks[team];
  return (SECRET_KEYS as readonly string[]).includes(root) ? secrets[root as Exclude<SecretKey, "slackWebhooks">] : undefined;
}

const parseValue = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text; // a plain string value
  }
};

/** Reads this project's config as the Pulumi engine passed it. */
export function readPulumiConfig(): { raw: RawConfig; secrets: SecretValues } {
  const all = pulumi.runtime.allConfig();
  const values: Record<string, unknown> = {};
  const presence = noSecrets();
  const config = new pulumi.Config(PROJECT);
  const secrets: SecretValues = { slackWebhooks: {} };
  for (const [full, text] of Object.entries(all)) {
    if (!full.startsWith(`${PROJECT}:`)) continue;
    const bare = full.slice(PROJECT.length + 1);
    if (!(SECRET_KEYS as readonly string[]).includes(bare)) {
      values[bare] = parseValue(text);
      continue;
    }
    const k = bare as SecretKey;
    if (k === "slackWebhooks") {
      // Ids are checked against the teams with the other settings (settings/load.ts).
      const ids = Object.keys((parseValue(text) ?? {}) as object);
      const hooks = config.requireSecretObject<Record<string, string>>("slackWebhooks");
      for (const id of ids) {
        presence.slackWebhooks.push(id);
        secrets.slackWebhooks[id] = hooks.apply((h) => h[id]);
      }
    } else {
      presence[k] = true;
      secrets[k] = config.requireSecret(k);
    }
  }
  const awsRegion = all["aws:region"];
  return { raw: { values, secrets: presence, awsRegion }, secrets };
}

/** Settings and secrets for the running Pulumi program; throws SettingsError before any resource exists. */
export function loadFromPulumi(): { settings: Settings; secrets: SecretValues } {
  const { raw, secrets } = readPulumiConfig();
  return { settings: parseSettings(raw, `stack ${pulumi.getStack()}`), secrets };
}
