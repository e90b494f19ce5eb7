// What a secret looks like to a policy. The policy engine hands policies every input with Pulumi
// secrets already unwrapped, so a leak can only be recognised by its shape: a value shaped like
// one of ours (webhook URL, routing key, password), or a literal under a key named like one.
// Findings name where and what kind, never the value: policy output lands in CI logs.

export interface SecretFinding {
  /** Property path inside the resource's inputs, e.g. `uploads[2].content` or `envs[0]`. */
  path: string;
  kind: string;
}

const SHAPES: { kind: string; pattern: RegExp }[] = [
  { kind: "a Slack webhook URL", pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[\w/-]{8,}/ },
  // Events API v2 routing and integration keys: 32 letters and digits, both present.
  { kind: "a PagerDuty routing key", pattern: /(?<![\w-])(?=[A-Za-z0-9]{0,31}\d)(?=[A-Za-z0-9]{0,31}[A-Za-z])[A-Za-z0-9]{32}(?![\w-])/ },
  { kind: "an AWS access key id", pattern: /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/ },
  { kind: "a private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { kind: "a password in a URL", pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@"']+:[^\s/@"']+@/i },
];

// A key named like a secret, ending the key (`password_file` names a file, not a secret).
const SECRET_NAME = "[A-Za-z0-9_.-]*?(?:password|passwd|secret|token|routing_key|service_key|api_key|apikey|credentials|private_key)";
const SECRET_KEY = new RegExp(`^${SECRET_NAME}$`, "i");
// The same inside a text: YAML `key: value`, INI `key = value`, env `KEY=value`, JSON `"key": "value"`.
const INLINE_SECRET = new RegExp(`(?:^|[\\s{,;"'&?])(${SECRET_NAME})["']?[ \\t]*[:=][ \\t]*["']?([^\\s"',;}&#]*)`, "gim");

/** A value that points at a secret rather than being one: a path, a reference, a template, empty. */
const isReference = (value: string): boolean =>
  value === "" || /^(?:\/|\$|<|\{\{|arn:|~$|null$|true$|false$|\[)/i.test(value);

/** The secret shapes in one string (kinds only). */
export function secretShapesIn(text: string): string[] {
  const kinds = SHAPES.filter((s) => s.pattern.test(text)).map((s) => s.kind);
  for (const m of text.matchAll(INLINE_SECRET)) {
    if (!isReference(m[2])) kinds.push(`a literal value for ${m[1]}`);
  }
  return [...new Set(kinds)];
}

/** Every secret-shaped value in an input tree, by property path. */
export function findSecrets(value: unknown, path = ""): SecretFinding[] {
  if (typeof value === "string") return secretShapesIn(value).map((kind) => ({ path, kind }));
  if (Array.isArray(value)) return value.flatMap((v, i) => findSecrets(v, `${path}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => {
      const at = path ? `${path}.${k}` : k;
      const named = SECRET_KEY.test(k) && typeof v === "string" && !isReference(v) ? [{ path: at, kind: `a literal value for ${k}` }] : [];
      return [...named, ...findSecrets(v, at)];
    });
  }
  return [];
}
