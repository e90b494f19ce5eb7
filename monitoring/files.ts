// The one function that turns settings into the file tree. `render` writes it to disk, the
// Docker component uploads it, validation and the local pipeline read the written tree.
import type { Settings } from "../settings";
import { StackHost, apiAuthRequired, dockerCluster, stackHosts } from "./hosts";
import { DOCKER_RENDER, FILES, RenderOptions } from "./layout";
import { alertmanagerConfig, alertmanagerTemplates } from "./alertmanager/config";
import { clusterTlsConfig } from "./alertmanager/cluster";
import { grafanaFiles } from "./grafana/files";
import { alertRuleGroups } from "./alerts";
import { prometheusConfig } from "./prometheus";
import { RULE_FILES } from "./conventions";
import { sloRuleGroups } from "./slo";
import { checkGroupCount } from "./rule-groups";
import { toYaml } from "./yaml";

/** Relative path (see FILES) → file content. */
export type FileTree = Record<string, string>;

/** The tree of one host; by default the (first) Docker host's, as `render` and `validate` check it. */
export function renderFiles(settings: Settings, options: RenderOptions = dockerRenderOptions(settings, stackHosts(settings)[0])): FileTree {
  const tree: FileTree = {
    [FILES.prometheusConfig]: prometheusConfig(settings, options),
    ...Object.fromEntries(Object.entries(ruleFiles(settings)).map(([name, text]) => [FILES.rule(name), text])),
    // With AMP, AMP's Alertmanager sends (monitoring/amp/): the stack runs none.
    ...(settings.aws.amp.enabled
      ? {}
      : {
          [FILES.alertmanagerConfig]: alertmanagerConfig(settings, options),
          ...(options.cluster ? { [FILES.clusterTls]: clusterTlsConfig(options.secretsDir) } : {}),
          ...Object.fromEntries(Object.entries(alertmanagerTemplates()).map(([name, text]) => [FILES.template(name), text])),
        }),
    ...grafanaFiles(settings, options),
  };
  return Object.fromEntries(Object.entries(tree).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The rule files Prometheus loads (and AMP's rule namespaces hold), by name:
 * prometheus/rules/<name>.yml. Refuses more groups than rules.maxGroups.
 */
export function ruleFiles(settings: Settings): Record<string, string> {
  const files = { [RULE_FILES.slos]: sloRuleGroups(settings), ...alertRuleGroups(settings) };
  checkGroupCount(files, settings.rules);
  return Object.fromEntries(Object.entries(files).map(([name, groups]) => [name, toYaml({ groups })]));
}

/** The options each Docker host renders with: its replica and peers in HA, whether the APIs need credentials, AMP's endpoint. */
export function dockerRenderOptions(settings: Settings, host: StackHost, ampEndpoint?: string): RenderOptions {
  return {
    ...DOCKER_RENDER,
    cluster: dockerCluster(settings, host),
    apiAuth: apiAuthRequired(settings),
    ...(ampEndpoint ? { ampEndpoint } : {}),
  };
}

/** Each Docker host's tree, by host name (one, named "", for the single host). */
export const hostTrees = (settings: Settings, ampEndpoint?: string): Record<string, FileTree> =>
  Object.fromEntries(stackHosts(settings).map((h) => [h.name, renderFiles(settings, dockerRenderOptions(settings, h, ampEndpoint))]));
