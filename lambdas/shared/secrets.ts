// Secrets come from SSM SecureString parameters and are cached per container for a TTL (5
// minutes by default), so a rotated webhook or routing key reaches a warm Lambda within the
// TTL; a receiver rejecting the credential refreshes it at once (see refresh). A failed read is
// not cached. Every value is handed to the logger's redactor before anyone can use it.
import { Logger } from "./log";
import { ParameterReader } from "./ssm";

export { SecretReadError } from "./ssm";

export const DEFAULT_SECRET_TTL_MS = 5 * 60_000;

export interface SecretStore {
  get(parameterName: string, signal?: AbortSignal): Promise<string>;
  /** Drops the cached value and reads the parameter again (after the receiver rejected it). */
  refresh(parameterName: string, signal?: AbortSignal): Promise<string>;
}

export interface SecretStoreOptions {
  read: ParameterReader;
  ttlMs: number;
  now?: () => number;
}

export function createSecretStore(log: Logger, { read, ttlMs, now = Date.now }: SecretStoreOptions): SecretStore {
  const cache = new Map<string, { value: Promise<string>; until: number }>();
  const load = (name: string, signal?: AbortSignal): Promise<string> => {
    const value = read(name, signal).then((v) => {
      log.redact(v);
      return v;
    });
    const entry = { value, until: now() + ttlMs };
    cache.set(name, entry);
    value.catch(() => {
      if (cache.get(name) === entry) cache.delete(name);
    });
    return value;
  };
  return {
    get(name, signal) {
      const entry = cache.get(name);
      return entry && now() < entry.until ? entry.value : load(name, signal);
    },
    refresh: load,
  };
}
