// Pulumi entry point: `pulumi up --stack dev|prod`.
import { defineStack } from "./program";

const stack = defineStack();

export const environment = stack.environment;
export const prometheusUrl = stack.prometheusUrl;
export const alertmanagerUrl = stack.alertmanagerUrl;
export const grafanaUrl = stack.grafanaUrl;
/** Secret: `pulumi stack output --show-secrets grafanaAdminPassword`. */
export const grafanaAdminPassword = stack.grafanaAdminPassword;
export const snsTopicArns = stack.snsTopicArns;
/** What each sync step made live; `pulumi up` fails here when a service refused its new files. */
export const configuration = stack.configuration;
