// The one function that turns settings into the file tree. `render` writes it to disk, the
// Docker component uploads it, validation and the local pipeline read the written tree.
import type { Settings } from "../settings";
import { DOCKER_RENDER, FILES, RenderOptions } from "./layout";
import { alertmanagerConfig, alertmanagerTemplates } from "./alertmanager/config";
import { grafanaFiles } from "./grafana/files";
import { alertRuleFiles } from "./alerts";
import { prometheusConfig } from "./prometheus";
import { RULE_FILES } from "./conventions";
import { sloRules } from "./slo";

/** Relative path (see FILES) → file content. */
export type FileTree = Record<string, string>;

export function renderFiles(settings: Settings, options: RenderOptions = DOCKER_RENDER): FileTree {
  const tree: FileTree = {
    [FILES.prometheusConfig]: prometheusConfig(settings, options),
    [FILES.rule(RULE_FILES.slos)]: sloRules(settings),
    ...Object.fromEntries(Object.entries(alertRuleFiles(settings)).map(([name, text]) => [FILES.rule(name), text])),
    [FILES.alertmanagerConfig]: alertmanagerConfig(settings, options),
    ...Object.fromEntries(Object.entries(alertmanagerTemplates()).map(([name, text]) => [FILES.template(name), text])),
    ...grafanaFiles(settings, options),
  };
  return Object.fromEntries(Object.entries(tree).sort(([a], [b]) => a.localeCompare(b)));
}
