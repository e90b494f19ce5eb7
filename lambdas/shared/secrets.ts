// Secrets come from SSM SecureString parameters, read once per container (the first invocation
// after a cold start) and cached; a failed read is not cached, so the next invocation tries
// again. Every value is handed to the logger's redactor before anyone can use it.
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { Logger } from "./log";

export interface SecretStore {
  get(parameterName: string, signal?: AbortSignal): Promise<string>;
}

export class SecretReadError extends Error {
  override name = "SecretReadError";
}

/** The SSM client reads its region, credentials and endpoint (AWS_ENDPOINT_URL_SSM) from the environment. */
export function createSecretStore(log: Logger, client: () => SSMClient = () => new SSMClient({})): SecretStore {
  const cache = new Map<string, Promise<string>>();
  let ssm: SSMClient | undefined;
  const read = async (name: string, signal?: AbortSignal): Promise<string> => {
    ssm ??= client();
    let value: string | undefined;
    try {
      const out = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }), { abortSignal: signal });
      value = out.Parameter?.Value;
    } catch (error) {
      // The SDK's error names the parameter and the AWS error code, never a value.
      const code = (error as { name?: string }).name ?? "Error";
      throw new SecretReadError(`SSM parameter ${name} could not be read (${code})`);
    }
    if (!value) throw new SecretReadError(`SSM parameter ${name} is empty`);
    log.redact(value);
    return value;
  };
  return {
    get(name, signal) {
      let value = cache.get(name);
      if (!value) {
        value = read(name, signal);
        cache.set(name, value);
        value.catch(() => cache.delete(name));
      }
      return value;
    },
  };
}
