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
