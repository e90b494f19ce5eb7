// Alertmanager matcher strings (`label="value"`, `label=~"a|b"`), quoted the way its parser reads them.
import { escapeRegex, quote } from "../promql";

/** The label equals the value. */
export const equals = (label: string, value: string): string => `${label}=${quote(value)}`;

/** The label is one of the values (Alertmanager anchors the regex). */
export const oneOf = (label: string, values: readonly string[]): string =>
  values.length === 1 ? equals(label, values[0]) : `${label}=~${quote(values.map(escapeRegex).join("|"))}`;
