// Setting paths as the messages name them: ["services", 0, "slo"] → ananta-monitoring:services[0].slo.
import { PROJECT } from "./project";

export const key = (path: PropertyKey[]): string =>
  `${PROJECT}:` + path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");

/** The key without the project prefix: services[0].slo. */
export const bareKey = (path: PropertyKey[]): string => key(path).slice(PROJECT.length + 1);

/** The value at a path of raw config, or undefined. */
export const valueAt = (root: unknown, path: PropertyKey[]): unknown =>
  path.reduce<unknown>((node, p) => (node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[p] : undefined), root);
