// "Did you mean ...?" for an unknown setting: the known keys at that place in the schema, and the
// closest one by edit distance when it is close enough to be a typo.
import type { z } from "zod";

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The object schemas a value at `path` may be checked against (through wrappers, arrays, unions, records). */
function objectsAt(schema: z.ZodType, path: readonly PropertyKey[]): Record<string, z.ZodType>[] {
  const def = defOf(schema);
  const inner = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
  if (inner) return objectsAt(inner, path);
  if (def.type === "union") return (def.options ?? []).flatMap((o) => objectsAt(o, path));
  if (path.length === 0) return def.type === "object" && def.shape ? [def.shape] : [];
  const [head, ...rest] = path;
  if (def.type === "object" && def.shape && typeof head === "string" && head in def.shape) return objectsAt(def.shape[head], rest);
  if (def.type === "array" && def.element && typeof head === "number") return objectsAt(def.element, rest);
  if (def.type === "record" && def.valueType) return objectsAt(def.valueType, rest);
  return [];
}

/** Levenshtein distance, case-insensitive. */
function distance(a: string, b: string): number {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    row = next;
  }
  return row[y.length];
}

/** The known key `unknown` most likely stands for, if one is within a typo's reach. */
export function suggestKey(schema: z.ZodType, path: readonly PropertyKey[], unknown: string): string | undefined {
  const known = [...new Set(objectsAt(schema, path).flatMap((shape) => Object.keys(shape)))];
  const reach = Math.max(2, Math.floor(unknown.length / 3));
  const ranked = known.map((k) => ({ k, d: distance(unknown, k) })).filter(({ k, d }) => d <= reach || k.toLowerCase().startsWith(unknown.toLowerCase()) || unknown.toLowerCase().startsWith(k.toLowerCase()));
  ranked.sort((a, b) => a.d - b.d || a.k.localeCompare(b.k));
  return ranked[0]?.k;
}
