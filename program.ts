// Composes the stack from settings: the Docker monitoring stack always, the AWS side when
// enabled, and Amazon Managed Service for Prometheus on top of it when aws.amp.enabled. Bad
// configuration throws here, before any resource is registered.
import * as pulumi from "@pulumi/pulumi";
import { AwsAlerting } from "./components/aws-alerting";
import { ManagedPrometheus } from "./components/managed-prometheus";
import { DeployedTree, MonitoringStack } from "./components/monitoring-stack";
import { managedPrometheusPlan } from "./monitoring/amp/plan";
import { awsAlertingPlan } from "./monitoring/cloudwatch/plan";
import { monitoringStackPlan } from "./monitoring/docker/plan";
import { hostTrees } from "./monitoring/files";
import { alertmanagerSecretFiles, namePrefix } from "./monitoring/layout";
import { PROJECT, type Settings, setSecretCommand } from "./settings";
import { type SecretValues, loadFromPulumi, secretOf } from "./settings/pulumi-config";

/** A secret the stack needs; the settings checks refuse a stack without it, so this only guards them. */
function requireSecret(secrets: SecretValues, key: string, why: string): pulumi.Output<string> {
  const value = secretOf(secrets, key);
  if (!value) throw new Error(`${PROJECT}:${key} is required ${why}; set it with: ${setSecretCommand(key)}`);
  return value;
}

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
  const awsPlan = settings.aws.enabled ? awsAlertingPlan(settings) : undefined;
  const awsAlerting = awsPlan
    ? new AwsAlerting(prefix, {
        ...awsPlan,
        pagerdutyKey: requireSecret(secrets, "pagerdutyKey", "when aws.enabled is true"),
        slackWebhooks: Object.fromEntries(Object.keys(awsPlan.parameters.slackWebhooks).map((team) => [team, requireSecret(secrets, `slackWebhooks.${team}`, "when aws.enabled is true")])),
      })
    : undefined;
  const amp = awsAlerting && settings.aws.amp.enabled ? new ManagedPrometheus(`${prefix}-amp`, { ...managedPrometheusPlan(settings), topicArns: awsAlerting.topicArns }) : undefined;
  const dockerPlan = monitoringStackPlan(settings);
  const monitoring = new MonitoringStack(prefix, {
    ...dockerPlan,
    trees: amp ? treesWithEndpoint(settings, trees, amp.endpoint) : trees,
    alertmanagerSecrets: (dockerPlan.alertmanager ? alertmanagerSecretFiles(settings) : []).map((f) => ({ file: f.file, value: requireSecret(secrets, f.secret, "by the Alertmanager configuration") })),
    grafanaAdminPassword: secrets.grafanaAdminPassword,
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
