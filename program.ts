// Composes the stack from settings: the Docker monitoring stack always, the AWS side when
// enabled, and Amazon Managed Service for Prometheus on top of it when aws.amp.enabled. Bad
// configuration throws here, before any resource is registered.
import * as pulumi from "@pulumi/pulumi";
import { AwsAlerting } from "./components/aws-alerting";
import { ManagedPrometheus } from "./components/managed-prometheus";
import { DeployedTree, MonitoringStack } from "./components/monitoring-stack";
import { hostTrees } from "./monitoring/files";
import { namePrefix } from "./monitoring/layout";
import type { Settings } from "./settings";
import { loadFromPulumi } from "./settings/pulumi-config";

/**
 * Each host's tree with AMP's endpoint in prometheus.yml. Which files there are does not depend
 * on the endpoint (the tree `render` writes has the same paths); their contents wait for it.
 */
function treesWithEndpoint(settings: Settings, trees: ReturnType<typeof hostTrees>, endpoint: pulumi.Output<string>): Record<string, DeployedTree> {
  const rendered = endpoint.apply((e) => hostTrees(settings, e));
  return Object.fromEntries(
    Object.entries(trees).map(([host, tree]) => [host, Object.fromEntries(Object.keys(tree).map((path) => [path, rendered.apply((t) => t[host][path])]))]),
  );
}

export function defineStack() {
  const { settings, secrets } = loadFromPulumi();
  // Every host's files, rendered before any resource exists: a rule set the engine would refuse
  // (rules.maxGroups) fails here.
  const trees = hostTrees(settings);
  const prefix = namePrefix(settings);
  const awsAlerting = settings.aws.enabled ? new AwsAlerting(prefix, { settings, secrets }) : undefined;
  const amp = awsAlerting && settings.aws.amp.enabled ? new ManagedPrometheus(`${prefix}-amp`, { settings, topicArns: awsAlerting.topicArns, tags: awsAlerting.tags }) : undefined;
  const monitoring = new MonitoringStack(prefix, {
    settings,
    trees: amp ? treesWithEndpoint(settings, trees, amp.endpoint) : trees,
    secrets,
    remoteWriteCredentials: amp?.remoteWriteCredentials,
  });
  return {
    environment: settings.environment,
    prometheusUrl: monitoring.prometheusUrl,
    alertmanagerUrl: monitoring.alertmanagerUrl,
    grafanaUrl: monitoring.grafanaUrl,
    prometheusUrls: monitoring.prometheusUrls,
    alertmanagerUrls: monitoring.alertmanagerUrls,
    grafanaAdminPassword: monitoring.grafanaAdminPassword,
    apiPassword: monitoring.apiPassword,
    apiCaCertificate: monitoring.apiCaCertificate,
    configuration: monitoring.configuration,
    snsTopicArns: awsAlerting ? pulumi.output(awsAlerting.topicArns) : undefined,
    ampWorkspaceId: amp?.workspaceId,
    ampEndpoint: amp?.endpoint,
  };
}
