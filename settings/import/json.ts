// SLO documents as YAML parses them: anything, until checked.
export type Json = Record<string, unknown>;

/** A mapping (not null, not a list). */
export const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
