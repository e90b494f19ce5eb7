// Length limits of the receiving APIs, enforced without splitting a character in two.
const ELLIPSIS = "…";

/** The text cut to at most `max` UTF-16 units, ending in an ellipsis when it was cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - ELLIPSIS.length;
  // Do not leave half of a surrogate pair at the cut.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end) + ELLIPSIS;
}

/** The first non-empty line of a text, trimmed. */
export const firstLine = (text: string): string => text.split(/\r?\n/).find((l) => l.trim() !== "")?.trim() ?? "";

/**
 * A value from an event, as a problem message quotes it: a string (cut) or a number as it is, an
 * object or array by its kind only. Never serialises what a hostile event nests (deep nesting
 * would overflow the stack; a large object would flood the log).
 */
export function quoted(v: unknown, max = 120): string {
  if (typeof v === "string") return JSON.stringify(truncate(v, max));
  if (v === null || typeof v === "number" || typeof v === "boolean" || v === undefined) return String(v);
  return Array.isArray(v) ? "an array" : `a ${typeof v === "object" ? "JSON object" : typeof v}`;
}
