// Every PromQL expression the stack generates (rule files of every golden variant, and the
// Grafana dashboards' queries) parses with Prometheus's own grammar (the one settings/promql.ts
// checks settings with): a generator change that breaks an expression fails here in milliseconds,
// before promtool or a Grafana panel would show it.
import * as assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { promqlProblem } from "../../settings/promql";
import { committedFiles } from "./files";

/** Grafana's own variables and macros, standing in for what Grafana substitutes. */
const grafana = (expr: string) => expr.replace(/\$__rate_interval|\$__interval|\$__range/g, "5m").replace(/\$\{?(\w+)\}?/g, "x");

function dashboardQueries(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => dashboardQueries(n, out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "expr" && typeof v === "string") out.push(v);
      else dashboardQueries(v, out);
    }
  }
  return out;
}

describe("every generated PromQL expression parses", () => {
  const files = committedFiles();

  it("in the rule files of every variant (and AMP's namespaces)", () => {
    let count = 0;
    const bad: string[] = [];
    for (const [file, text] of Object.entries(files)) {
      if (!/(\/rules\/|\/namespaces\/)[^/]+\.yml$/.test(file)) continue;
      for (const g of (parseYaml(text) as { groups: { rules: { alert?: string; record?: string; expr: string }[] }[] }).groups) {
        for (const r of g.rules) {
          count++;
          const why = promqlProblem(r.expr);
          if (why) bad.push(`${file} ${r.alert ?? r.record}: ${why}`);
        }
      }
    }
    assert.ok(count > 500, `only ${count} expressions found`);
    assert.deepEqual(bad, []);
  });

  it("in the Grafana dashboards' queries", () => {
    const queries = Object.entries(files).filter(([f]) => f.endsWith(".json") && f.includes("/dashboards/")).flatMap(([, text]) => dashboardQueries(JSON.parse(text)));
    assert.ok(queries.length > 10, `only ${queries.length} queries found`);
    assert.deepEqual(queries.flatMap((q) => (promqlProblem(grafana(q)) ? [`${q}: ${promqlProblem(grafana(q))}`] : [])), []);
  });
});
