// Pulumi entry point: `pulumi up --stack dev|prod`.
import { defineStack } from "./program";

const stack = defineStack();

export const environment = stack.environment;
export const prometheusUrl = stack.prometheusUrl;
export const alertmanagerUrl = stack.alertmanagerUrl;
export const grafanaUrl = stack.grafanaUrl;
/** Every host's Prometheus and Alertmanager, by host name (HA: docker.hosts). */
export const prometheusUrls = stack.prometheusUrls;
export const alertmanagerUrls = stack.alertmanagerUrls;
/** Secret: `pulumi stack output --show-secrets grafanaAdminPassword`. */
export const grafanaAdminPassword = stack.grafanaAdminPassword;
/** Secret, when the APIs require credentials (HA, or a non-loopback bindAddress): user `monitoring`. */
export const apiPassword = stack.apiPassword;
/** With apiPassword: the CA of the APIs' https certificates (`pulumi stack output apiCaCertificate > ca.pem`, the tools' --ca-file). */
export const apiCaCertificate = stack.apiCaCertificate;
export const snsTopicArns = stack.snsTopicArns;
/** With aws.amp.enabled: the AMP workspace and its Prometheus endpoint (query API, remote write). */
export const ampWorkspaceId = stack.ampWorkspaceId;
export const ampEndpoint = stack.ampEndpoint;
/** What each sync step made live; `pulumi up` fails here when a service refused its new files. */
export const configuration = stack.configuration;
