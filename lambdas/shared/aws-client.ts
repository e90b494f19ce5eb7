// A SigV4 signer for one AWS service, from the environment Lambda provides (region, the role's
// credentials) and an endpoint override as the SDK reads it (AWS_ENDPOINT_URL_<SERVICE>, then
// AWS_ENDPOINT_URL). The SSM read and the CloudWatch state read both sign with it.
import { AwsClient } from "aws4fetch";
import { ConfigError, Env } from "./config";

export interface SignedService {
  aws: AwsClient;
  url: string;
}

/** `service` is the signing name (ssm, monitoring); `endpointKey` the override's suffix (SSM, CLOUDWATCH); `host` the regional host's first label. */
export function signedService(env: Env, service: string, endpointKey: string, host = service): SignedService {
  const region = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim();
  const accessKeyId = env.AWS_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY?.trim();
  if (!region) throw new ConfigError("AWS_REGION is not set; the Lambda runtime sets it");
  if (!accessKeyId || !secretAccessKey) throw new ConfigError("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; the Lambda runtime sets them from the function's role");
  const aws = new AwsClient({ accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN?.trim() || undefined, service, region, retries: 0 });
  const url = env[`AWS_ENDPOINT_URL_${endpointKey}`]?.trim() || env.AWS_ENDPOINT_URL?.trim() || `https://${host}.${region}.amazonaws.com/`;
  return { aws, url };
}
