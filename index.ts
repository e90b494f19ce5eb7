// Pulumi entry point: `pulumi up --stack dev|prod`.
import { defineStack } from "./program";

const stack = defineStack();

export const environment = stack.environment;
export const prometheusUrl = stack.prometheusUrl;
export const snsTopicArns = stack.snsTopicArns;
