// Reads the forwarders' environment (names from ../contract). A bad value is reported with the
// variable, the value and what is allowed; the environment never holds a secret value, so
// echoing it is safe.
export class ConfigError extends Error {
  override name = "ConfigError";
}

export type Env = Record<string, string | undefined>;

export function requiredString(env: Env, key: string): string {
  const value = env[key]?.trim();
  if (!value) throw new ConfigError(`${key} is not set; it must name an SSM parameter`);
  return value;
}

export function optionalUrl(env: Env, key: string, fallback: string): string {
  const value = env[key]?.trim();
  if (!value) return fallback;
  try {
    return new URL(value).toString();
  } catch {
    throw new ConfigError(`${key}=${JSON.stringify(value)} is not a URL; it must be an http(s) URL or unset`);
  }
}

/** A JSON object of string values, each optionally checked against a list of allowed values. */
export function stringMap<V extends string>(env: Env, key: string, options: { required: boolean; allowed?: readonly V[] }): Record<string, V> {
  const raw = env[key]?.trim();
  const expected = `a JSON object mapping SNS topic ARNs to ${options.allowed ? options.allowed.join(" | ") : "non-empty strings"}`;
  if (!raw) {
    if (options.required) throw new ConfigError(`${key} is not set; it must be ${expected}`);
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(`${key}=${JSON.stringify(raw)} is not JSON; it must be ${expected}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ConfigError(`${key}=${JSON.stringify(raw)} is not ${expected}`);
  for (const [topic, value] of Object.entries(parsed)) {
    const ok = typeof value === "string" && value !== "" && (!options.allowed || options.allowed.includes(value as V));
    if (!ok) throw new ConfigError(`${key}: topic ${topic} maps to ${JSON.stringify(value)}; allowed: ${options.allowed ? options.allowed.join(" | ") : "a non-empty string"}`);
  }
  return parsed as Record<string, V>;
}

/** A whole number of seconds from 0 to `max`, or the fallback when unset. */
export function secondsFrom(env: Env, key: string, { fallback, max }: { fallback: number; max: number }): number {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new ConfigError(`${key}=${JSON.stringify(raw)} is not allowed; it must be a whole number of seconds from 0 to ${max}, or unset (${fallback})`);
  return n;
}
