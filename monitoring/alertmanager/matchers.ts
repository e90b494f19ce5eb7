// Alertmanager matcher strings (`label="value"`, `label=~"a|b"`), quoted the way its parser reads them.
const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The label equals the value. */
export const equals = (label: string, value: string): string => `${label}=${JSON.stringify(value)}`;

/** The label is one of the values (Alertmanager anchors the regex). */
export const oneOf = (label: string, values: readonly string[]): string =>
  values.length === 1 ? equals(label, values[0]) : `${label}=~${JSON.stringify(values.map(escapeRegex).join("|"))}`;
