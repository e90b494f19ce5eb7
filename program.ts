// Composes the stack from settings: the Docker monitoring stack always, the AWS side when
// enabled. Bad configuration throws here, before any resource is registered.
import * as pulumi from "@pulumi/pulumi";
import { AwsAlerting } from "./components/aws-alerting";
import { MonitoringStack } from "./components/monitoring-stack";
import { hostTrees } from "./monitoring/files";
import { namePrefix } from "./monitoring/layout";
import { loadFromPulumi } from "./settings/pulumi-config";

export function defineStack() {
  const { settings, secrets } = loadFromPulumi();
  const prefix = namePrefix(settings);
  const monitoring = new MonitoringStack(prefix, { settings, trees: hostTrees(settings), secrets });
  const awsAlerting = settings.aws.enabled ? new AwsAlerting(prefix, { settings, secrets }) : undefined;
  return {
    environment: settings.environment,
    prometheusUrl: monitoring.prometheusUrl,
    alertmanagerUrl: monitoring.alertmanagerUrl,
    grafanaUrl: monitoring.grafanaUrl,
    prometheusUrls: monitoring.prometheusUrls,
    alertmanagerUrls: monitoring.alertmanagerUrls,
    grafanaAdminPassword: monitoring.grafanaAdminPassword,
    apiPassword: monitoring.apiPassword,
    configuration: monitoring.configuration,
    snsTopicArns: awsAlerting ? pulumi.output(awsAlerting.topicArns) : undefined,
  };
}
