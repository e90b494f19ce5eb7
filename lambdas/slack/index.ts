// Slack forwarder: CloudWatch alarm notifications from SNS → the incoming webhook of the
// topic's channel (the webhook URL is a secret in SSM; the environment names the parameter).
import { ENV } from "../contract";
import { stringMap } from "../shared/config";
import { FailureCause } from "../shared/delivery";
import { createForwarder, ForwarderOptions, ForwarderSpec, Handler } from "../shared/forwarder";
import { slackMessage } from "./message";

interface SlackConfig {
  /** SNS topic ARN → SSM parameter name of that channel's webhook URL. */
  webhooks: Record<string, string>;
}

/** Slack answers a revoked or deleted incoming webhook with 403, 404 or 410. */
export const webhookRejected = (f: FailureCause): boolean => f.cause === "rejected" && [403, 404, 410].includes(f.status);

const spec: ForwarderSpec<SlackConfig> = {
  name: "slack",
  readConfig: (env) => ({ webhooks: stringMap(env, ENV.slackWebhookParameters, { required: true }) }),
  async forward(n, { config, post, withSecret }) {
    const parameter = config.webhooks[n.topicArn];
    if (!parameter) {
      throw new Error(`topic ${n.topicArn} has no webhook parameter in ${ENV.slackWebhookParameters} (known topics: ${Object.keys(config.webhooks).join(", ")})`);
    }
    const message = slackMessage(n);
    const delivered = await withSecret(parameter, webhookRejected, (url) => {
      if (!URL.canParse(url)) throw new Error(`SSM parameter ${parameter} does not hold a URL`);
      return post(url, message);
    });
    return { delivered };
  },
};

export const createSlackHandler = (options?: ForwarderOptions): Handler => createForwarder(spec, options);

export const handler = createSlackHandler();
