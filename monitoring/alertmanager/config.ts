// alertmanager.yml and its templates, from settings.
import { toYaml } from "../yaml";
import type { Settings } from "../../settings";
import type { RenderOptions } from "../layout";
import { burnTiers } from "../slo/windows";
import { inhibitRules } from "./inhibitions";
import { receivers } from "./receivers";
import { routingTree } from "./routes";
import { TEMPLATE_FILE, TEMPLATE_TEXT } from "./templates";

export function alertmanagerConfig(settings: Settings, options: RenderOptions): string {
  const config = {
    global: { resolve_timeout: settings.alertmanager.resolveTimeout },
    // Relative to this file, so the same tree works in a container and on loopback.
    templates: ["templates/*.tmpl"],
    route: routingTree(settings),
    inhibit_rules: inhibitRules(burnTiers(settings)),
    receivers: receivers(settings, options),
  };
  // No YAML anchors: routes that share matchers stay readable on their own.
  return toYaml(config);
}

/** Template file name (without .tmpl) → content. */
export const alertmanagerTemplates = (): Record<string, string> => ({ [TEMPLATE_FILE]: TEMPLATE_TEXT });
