// PromQL the settings carry (SLI queries with a {{window}} placeholder, label selectors),
// checked with the Prometheus project's own PromQL grammar (@prometheus-io/lezer-promql, the
// parser of Prometheus's web UI) before any rule is generated from it.
import { parser } from "@prometheus-io/lezer-promql";

/** `{{window}}`, and Sloth's `{{.window}}`, in an SLI query. */
const WINDOW = /\{\{\s*\.?window\s*\}\}/g;

export const hasWindow = (query: string): boolean => new RegExp(WINDOW.source).test(query);

/** The query for one rate window, e.g. `rate(x[{{window}}])` → `rate(x[5m])`. */
export const instantiate = (query: string, window: string): string => query.replace(WINDOW, window);

/** Why the expression is not valid PromQL, or undefined when it parses. */
export function promqlProblem(expr: string): string | undefined {
  const tree = parser.parse(expr);
  let at: number | undefined;
  tree.iterate({
    enter: (node) => {
      if (at === undefined && node.type.isError) at = node.from;
      return at === undefined;
    },
  });
  if (at === undefined) return undefined;
  const near = expr.slice(Math.max(0, at - 12), at + 12);
  return `is not valid PromQL: syntax error at character ${at + 1} (near ${JSON.stringify(near)})`;
}

/**
 * A query over raw counters turned into one over their rates: every instant selector becomes
 * `rate(<selector>[{{window}}])`, so `sum(http_requests_total{...})` reads as
 * `sum(rate(http_requests_total{...}[{{window}}]))` (OpenSLO's `counter: true`).
 */
export function rateOfCounters(query: string): string {
  const tree = parser.parse(query);
  const spans: [number, number][] = [];
  tree.iterate({
    enter: (node) => {
      if (node.type.name !== "VectorSelector") return;
      if (node.node.parent?.type.name === "MatrixSelector") return;
      spans.push([node.from, node.to]);
    },
  });
  let out = query;
  for (const [from, to] of spans.sort(([a], [b]) => b - a)) out = `${out.slice(0, from)}rate(${out.slice(from, to)}[{{window}}])${out.slice(to)}`;
  return out;
}
