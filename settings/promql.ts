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

/** Functions that take a range vector: `rate(x)` without `[window]` is a type error in the engine. */
const RANGE_FUNCTIONS = new Set([
  "rate", "irate", "increase", "delta", "idelta", "deriv", "changes", "resets", "predict_linear", "holt_winters", "double_exponential_smoothing",
  "avg_over_time", "min_over_time", "max_over_time", "sum_over_time", "count_over_time", "quantile_over_time", "stddev_over_time", "stdvar_over_time",
  "last_over_time", "present_over_time", "absent_over_time", "mad_over_time",
]);

/**
 * Why an SLI query (with its window filled in) is no instant vector the rules can embed: a `#`
 * comment (it would swallow the rest of the generated expression), a string or number alone, or a
 * range function given no range. undefined when it is fine; syntax is promqlProblem's job.
 */
export function sliShapeProblem(expr: string): string | undefined {
  const tree = parser.parse(expr);
  const problems: string[] = [];
  const top = tree.topNode.firstChild;
  if (top?.type.name === "StringLiteral") problems.push("is a string, not a vector of events");
  tree.iterate({
    enter: (node) => {
      if (node.type.name === "LineComment") problems.push("must not hold a # comment: it would swallow the rest of every rule the query is part of");
      if (node.type.name === "FunctionCall") {
        const fn = node.node.getChild("FunctionIdentifier");
        const name = fn ? expr.slice(fn.from, fn.to) : "";
        const args = node.node.getChild("FunctionCallBody")?.firstChild;
        if (RANGE_FUNCTIONS.has(name) && args && !["MatrixSelector", "SubqueryExpr"].includes(args.type.name)) {
          problems.push(`must give ${name}() a range such as [{{window}}], not an instant vector`);
        }
      }
    },
  });
  return problems[0];
}

/** Whether every {{window}} stands where a range goes: `[{{window}}]` or a subquery's `[{{window}}:...]`. */
export const windowsInRanges = (query: string): boolean =>
  (query.match(WINDOW) ?? []).length === (query.match(new RegExp(String.raw`\[\s*${WINDOW.source}\s*(?::[^\]]*)?\]`, "g")) ?? []).length;

/** Whether `metric{matchers}` is one vector selector and nothing else (a selector that closes its braces and goes on is not). */
export function isSelectorOnly(expr: string): boolean {
  const tree = parser.parse(expr);
  const top = tree.topNode.firstChild;
  return top?.type.name === "VectorSelector" && top.from === 0 && top.to === expr.length && top.nextSibling === null;
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
