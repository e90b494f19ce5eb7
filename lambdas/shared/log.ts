// Structured JSON log lines. Every line passes through the redactor, so a secret that reaches a
// log field by accident (an error body echoing a URL, say) is replaced before it is printed.
export type LogLevel = "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;
export type LogSink = (level: LogLevel, line: string) => void;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** Marks a value as secret: it (and its URL path, for URLs) never appears in a log line. */
  redact(secret: string): void;
  /** The text with every registered secret replaced. */
  scrub(text: string): string;
  /** A logger that adds the given fields to every line. */
  with(fields: LogFields): Logger;
}

const REDACTED = "[redacted]";

export const consoleSink: LogSink = (level, line) => {
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
};

/** Longest text a log field keeps, cut after it has been scrubbed (a secret across the cut goes whole). */
export const FIELD_MAX = 500;

/**
 * The secret and, for a URL, its path and query and each long query value (webhook tokens live
 * there and error bodies echo them); each also as JSON writes it inside a string (a `"` or `\`
 * in a key is escaped in the log line).
 */
function secretForms(secret: string): string[] {
  const forms = [secret];
  try {
    const { pathname, search, searchParams } = new URL(secret);
    if (pathname.length > 1) forms.push(pathname);
    if (search.length > 1) forms.push(search);
    for (const v of searchParams.values()) if (v.length >= 8) forms.push(v);
  } catch {
    // not a URL: the value itself is the only form
  }
  return forms.flatMap((f) => [f, JSON.stringify(f).slice(1, -1)]);
}

/** Every string of a field value scrubbed, then cut to FIELD_MAX. */
function scrubbed(value: unknown, scrub: (text: string) => string): unknown {
  if (typeof value === "string") {
    const clean = scrub(value);
    return clean.length > FIELD_MAX ? `${clean.slice(0, FIELD_MAX)}…` : clean;
  }
  if (Array.isArray(value)) return value.map((v) => scrubbed(v, scrub));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubbed(v, scrub)]));
  return value;
}

export function createLogger(sink: LogSink = consoleSink): Logger {
  const secrets = new Set<string>();
  const scrub = (text: string): string => {
    let out = text;
    // Longest first, so a URL is replaced whole before its path is.
    for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join(REDACTED);
    return out;
  };
  const make = (base: LogFields): Logger => {
    const write = (level: LogLevel, msg: string, fields: LogFields = {}) =>
      sink(level, scrub(JSON.stringify(scrubbed({ level, msg, ...base, ...fields }, scrub))));
    return {
      info: (msg, fields) => write("info", msg, fields),
      warn: (msg, fields) => write("warn", msg, fields),
      error: (msg, fields) => write("error", msg, fields),
      redact: (secret) => {
        for (const form of secretForms(secret)) if (form.length >= 4) secrets.add(form);
      },
      scrub,
      with: (fields) => make({ ...base, ...fields }),
    };
  };
  return make({});
}
