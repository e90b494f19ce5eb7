// AMP rule groups namespaces: the generated rule files as AMP takes them, each within AMP's size
// quota for one namespace's definition. A file that fits is one namespace, unchanged. A larger one
// (the SLO rules of a few dozen services) is cut into parts at group boundaries, and a group that
// alone is too big into consecutive parts at rule boundaries: rules keep their order, their
// expressions and labels, and the group its interval. A rule reading a series recorded in an
// earlier part then reads it one evaluation later, as rules of different groups always do.
import { parse } from "yaml";
import { toYaml } from "../yaml";

/** AMP's quota for one rule groups namespace definition is 1 MB; this leaves room. */
export const NAMESPACE_MAX_BYTES = 900_000;

export interface RuleNamespace {
  name: string;
  /** A Prometheus rule file: `groups: [...]`. */
  data: string;
}

interface RuleGroup {
  name: string;
  interval?: string;
  rules: Record<string, unknown>[];
}

const HEADER = "groups:\n";
// No anchors: every rule is written out in full, as in the rule files.
/** Bytes one group adds to a `groups:` list. */
const groupBytes = (group: RuleGroup) => Buffer.byteLength(toYaml({ groups: [group] })) - HEADER.length;

/** A group cut into consecutive parts of at most `maxBytes` each (as a namespace's only group). */
function groupParts(group: RuleGroup, maxBytes: number): RuleGroup[] {
  if (HEADER.length + groupBytes(group) <= maxBytes) return [group];
  // The items of a YAML block list are independent lines: a part's size is its header plus its rules'.
  const ruleBytes = group.rules.map((r) => groupBytes({ ...group, rules: [r, r] }) - groupBytes({ ...group, rules: [r] }));
  // A part's name is longer than the group's by its suffix: counted as if it had three digits.
  const head = groupBytes({ ...group, name: `${group.name}-part000`, rules: [group.rules[0]] }) - ruleBytes[0];
  const parts: RuleGroup[] = [];
  let bytes = 0;
  group.rules.forEach((rule, i) => {
    const last = parts.at(-1);
    if (last && HEADER.length + bytes + ruleBytes[i] <= maxBytes) {
      last.rules.push(rule);
      bytes += ruleBytes[i];
    } else {
      parts.push({ ...group, name: `${group.name}-part${parts.length + 1}`, rules: [rule] });
      bytes = head + ruleBytes[i];
    }
  });
  return parts;
}

/** The rule files (files.ts ruleFiles) as namespaces: one per file, or `<file>-<n>` parts when one is too big. */
export function ruleNamespaces(files: Record<string, string>, maxBytes = NAMESPACE_MAX_BYTES): RuleNamespace[] {
  return Object.entries(files).flatMap(([file, text]) => {
    if (Buffer.byteLength(text) <= maxBytes) return [{ name: file, data: text }];
    const groups = ((parse(text) as { groups?: RuleGroup[] } | null)?.groups ?? []).flatMap((g) => groupParts(g, maxBytes));
    const chunks: RuleGroup[][] = [];
    let bytes = 0;
    for (const group of groups) {
      const size = groupBytes(group);
      const last = chunks.at(-1);
      if (last && HEADER.length + bytes + size <= maxBytes) {
        last.push(group);
        bytes += size;
      } else {
        chunks.push([group]);
        bytes = size;
      }
    }
    return chunks.map((chunk, i) => ({ name: `${file}-${i + 1}`, data: toYaml({ groups: chunk }) }));
  });
}
