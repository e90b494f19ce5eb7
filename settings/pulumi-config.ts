// The Pulumi side of the settings loader: the same validation as a stack file, fed from the
// program's config, plus the secret values as Pulumi secrets (encrypted in state).
import * as pulumi from "@pulumi/pulumi";
import { SettingsError } from "./errors";
import { RawConfig, Settings, noSecrets, parseSettings } from "./load";
import { PROJECT, SECRET_KEYS, SLACK_CHANNEL_IDS, SecretKey, SlackChannelId } from "./schema";

export interface SecretValues {
  pagerdutyKey?: pulumi.Output<string>;
  slackWebhooks: Partial<Record<SlackChannelId, pulumi.Output<string>>>;
  smtpPassword?: pulumi.Output<string>;
  grafanaAdminPassword?: pulumi.Output<string>;
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
      const ids = Object.keys((parseValue(text) ?? {}) as object);
      const unknown = ids.filter((id) => !(SLACK_CHANNEL_IDS as readonly string[]).includes(id));
      if (unknown.length > 0) {
        throw new SettingsError("Pulumi config", unknown.map((id) => ({ key: `${PROJECT}:slackWebhooks.${id}`, value: id, message: `is not a Slack channel id; allowed: ${SLACK_CHANNEL_IDS.join(", ")}` })));
      }
      const hooks = config.requireSecretObject<Record<string, string>>("slackWebhooks");
      for (const id of ids as SlackChannelId[]) {
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
