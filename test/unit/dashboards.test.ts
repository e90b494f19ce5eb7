// Grafana dashboards and provisioning: valid models Grafana can load, every query against the
// provisioned datasource, every metric one the generated rules record or a target exposes,
// every expression accepted by promtool, and the provider pointing where the files go.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { renderFiles } from "../../monitoring/files";
import { FILES, containerPath } from "../../monitoring/layout";
import { Settings } from "../../settings";
import { settingsOf, tmpDir, tool } from "../helpers/tools";

interface Target {
  expr: string;
  refId: string;
  datasource?: { uid?: string };
  legendFormat?: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid?: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list?: { name: string; type: string; query: string; datasource?: { uid?: string } }[] };
}

const DASHBOARDS = ["slo-overview", "alerts-overview"];

/** Metrics Prometheus and Alertmanager expose about themselves (their /metrics pages). */
const SELF_METRICS = [
  "prometheus_config_last_reload_successful",
  "prometheus_notifications_alertmanagers_discovered",
  "prometheus_notifications_sent_total",
  "prometheus_notifications_dropped_total",
  "prometheus_notifications_errors_total",
  "prometheus_rule_evaluation_failures_total",
  "alertmanager_config_last_reload_successful",
  "alertmanager_notifications_total",
  "alertmanager_notifications_failed_total",
  "alertmanager_alerts",
];

const PROMQL_WORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan"]);

/** Every metric name an expression selects: identifiers outside strings, matchers, ranges and groupings that are not calls. */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  return [...bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*(?![a-zA-Z0-9_:]|\s*\()/g)].map((m) => m[0]).filter((w) => !PROMQL_WORDS.has(w));
}

/** Grafana's variables replaced by values Prometheus accepts. */
const asPromQL = (expr: string) => expr.replace(/\$__rate_interval/g, "5m").replace(/\$service/g, ".*");

function recordedIn(tree: Record<string, string>): Set<string> {
  const names = new Set<string>();
  for (const [file, text] of Object.entries(tree)) {
    if (!file.startsWith("prometheus/rules/")) continue;
    for (const g of (parse(text) as { groups: { rules: { record?: string }[] }[] }).groups) for (const r of g.rules) if (r.record) names.add(r.record);
  }
  return names;
}

function rawMetrics(settings: Settings): Set<string> {
  const service = settings.services.flatMap((s) => [s.metrics.up, s.metrics.requests, ...["bucket", "count", "sum"].map((x) => `${s.metrics.duration}_${x}`)]);
  return new Set(["ALERTS", "up", ...service, ...SELF_METRICS]);
}

const queryPanels = (d: Dashboard) => d.panels.filter((p) => p.type !== "row");

for (const stack of ["dev", "prod"]) {
  describe(`Grafana dashboards (${stack} stack)`, () => {
    const settings = settingsOf(stack);
    const tree = renderFiles(settings);
    const dashboards = DASHBOARDS.map((n) => JSON.parse(tree[FILES.dashboard(n)]) as Dashboard);
    const datasources = parse(tree[FILES.grafanaProvisioning("datasources/prometheus.yml")]) as { datasources: { uid: string; type: string; url: string }[] };
    const uid = datasources.datasources[0].uid;

    it("provisions one Prometheus datasource with a stable uid, reached by its network alias", () => {
      assert.deepEqual(
        datasources.datasources.map((d) => [d.type, d.url]),
        [["prometheus", "http://prometheus:9090"]],
      );
      assert.equal(uid, "ananta-prometheus");
    });

    it("points the dashboard provider at the container folder the dashboards are uploaded to", () => {
      const provider = parse(tree[FILES.grafanaProvisioning("dashboards/ananta.yml")]) as { providers: { type: string; options: { path: string } }[] };
      const uploaded = DASHBOARDS.map((n) => path.posix.dirname(containerPath(FILES.dashboard(n))));
      assert.equal(provider.providers.length, 1);
      assert.equal(provider.providers[0].type, "file");
      assert.deepEqual([...new Set(uploaded)], [provider.providers[0].options.path]);
    });

    it("are dashboard models with unique uids, titles and unique panel ids", () => {
      assert.equal(new Set(dashboards.map((d) => d.uid)).size, dashboards.length);
      for (const d of dashboards) {
        assert.match(d.uid, /^[a-zA-Z0-9_-]{8,40}$/, `uid of ${d.title}`);
        assert.ok(d.title && d.schemaVersion > 30, `${d.uid}: title and schemaVersion`);
        assert.ok(queryPanels(d).length >= 5, `${d.uid}: panels`);
        const ids = d.panels.map((p) => p.id);
        assert.ok(ids.every((id) => Number.isInteger(id)), `${d.uid}: every panel has an id`);
        assert.equal(new Set(ids).size, ids.length, `${d.uid}: panel ids are unique`);
        for (const p of d.panels) assert.ok(p.gridPos.x + p.gridPos.w <= 24, `${d.uid}/${p.title} fits the 24-column grid`);
      }
    });

    it("query the provisioned datasource from every panel and target", () => {
      for (const d of dashboards) {
        for (const p of queryPanels(d)) {
          assert.equal(p.datasource?.uid, uid, `${d.uid}/${p.title}: panel datasource`);
          assert.ok(p.targets && p.targets.length > 0, `${d.uid}/${p.title}: targets`);
          for (const t of p.targets) {
            assert.equal(t.datasource?.uid, uid, `${d.uid}/${p.title}/${t.refId}: target datasource`);
            assert.ok(t.expr.trim().length > 0, `${d.uid}/${p.title}/${t.refId}: expr`);
          }
          assert.equal(new Set(p.targets.map((t) => t.refId)).size, p.targets.length, `${d.uid}/${p.title}: refIds unique`);
        }
      }
    });

    it("let the SLO overview pick services with a service variable its SLO queries use", () => {
      const slo = dashboards[0];
      const variable = slo.templating.list?.find((v) => v.name === "service");
      assert.ok(variable, "service variable");
      assert.equal(variable.type, "query");
      assert.equal(variable.datasource?.uid, uid);
      const recorded = recordedIn(tree);
      const [, metric] = /^label_values\(([^,]+),\s*service\)$/.exec(variable.query) ?? [];
      assert.ok(recorded.has(metric), `variable query reads a recorded series: ${variable.query}`);
      const perService = queryPanels(slo).flatMap((p) => p.targets ?? []).filter((t) => /slo:(sli_error|error_budget|objective)/.test(t.expr) || t.expr.includes("histogram_quantile"));
      assert.ok(perService.length > 0);
      for (const t of perService) assert.match(t.expr, /service=~"\$service"/, t.expr);
    });

    it("shows availability, budget, every burn-rate window and P95/P99 latency, per service and per plane", () => {
      const exprs = queryPanels(dashboards[0]).flatMap((p) => (p.targets ?? []).map((t) => t.expr)).join("\n");
      assert.ok(exprs.includes('slo:sli_errors:rate5m{service=~"$service"} / slo:sli_requests:rate5m{service=~"$service"} / (1 - slo:objective:ratio'), "burn rate 5m");
      for (const w of ["30m", "1h", "2h", "6h", "1d", "3d"]) assert.ok(exprs.includes(`slo:sli_error:ratio_rate${w}{service=~"$service"}`), `burn rate ${w}`);
      assert.ok(exprs.includes("slo:sli_error:ratio_rateperiod"));
      assert.ok(exprs.includes("slo:error_budget:remaining{"));
      assert.ok(exprs.includes("histogram_quantile(0.95,") && exprs.includes("histogram_quantile(0.99,"));
      for (const plane of new Set(settings.services.map((s) => s.plane))) {
        assert.ok(exprs.includes(`slo:${plane}_plane:availability:ratio_`), `${plane} plane availability`);
        assert.ok(exprs.includes(`slo:${plane}_plane:error_budget:remaining`), `${plane} plane budget`);
      }
    });

    it("tell SLOs apart in plane panels: each selects one SLO or is labelled by SLO", () => {
      for (const p of queryPanels(dashboards[0]).filter((x) => /plane/.test(x.title))) {
        for (const t of p.targets ?? []) {
          if (/slo:[a-z]+_plane:/.test(t.expr) && !/\{slo="[^"]+"\}/.test(t.expr)) assert.match(t.legendFormat ?? "", /\{\{slo\}\}/, `${p.title}: ${t.expr}`);
        }
      }
    });

    it("query only series the generated rules record or a scrape target exposes", () => {
      const known = new Set([...recordedIn(tree), ...rawMetrics(settings)]);
      const unknown: string[] = [];
      let count = 0;
      for (const d of dashboards) {
        for (const t of queryPanels(d).flatMap((p) => p.targets ?? [])) {
          for (const m of metricNames(t.expr)) {
            count++;
            if (!known.has(m)) unknown.push(`${d.uid}: ${m} in ${t.expr}`);
          }
        }
      }
      assert.ok(count > 20, `metric names found: ${count}`);
      assert.deepEqual(unknown, []);
    });

    it("select only scrape jobs prometheus.yml defines", () => {
      const jobs = new Set((parse(tree[FILES.prometheusConfig]) as { scrape_configs: { job_name: string }[] }).scrape_configs.map((s) => s.job_name));
      const used = dashboards.flatMap((d) => queryPanels(d).flatMap((p) => (p.targets ?? []).flatMap((t) => [...t.expr.matchAll(/job=~?"([^"]+)"/g)].flatMap((m) => m[1].split("|")))));
      assert.ok(used.length >= 2);
      for (const j of used) assert.ok(jobs.has(j), `job ${j} is scraped`);
    });

    it("write expressions promtool accepts", () => {
      const exprs = dashboards.flatMap((d) => queryPanels(d).flatMap((p) => (p.targets ?? []).map((t) => asPromQL(t.expr))));
      const dir = tmpDir();
      try {
        const file = path.join(dir, "dashboards.yml");
        fs.writeFileSync(file, JSON.stringify({ groups: [{ name: "dashboards", rules: exprs.map((expr, i) => ({ record: `dashboard:expr_${i}`, expr })) }] }));
        const r = tool("promtool", ["check", "rules", file]);
        assert.equal(r.code, 0, r.stdout + r.stderr);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

describe("metricNames (the PromQL reader the dashboard checks rely on)", () => {
  it("finds selected metrics and skips functions, labels, strings, ranges and groupings", () => {
    assert.deepEqual(
      metricNames('histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket{service=~"$service"}[$__rate_interval])))'),
      ["http_request_duration_seconds_bucket"],
    );
    assert.deepEqual(metricNames('1 - slo:sli_error:ratio_rateperiod{slo="availability"} / on (job) group_left up'), ["slo:sli_error:ratio_rateperiod", "up"]);
    assert.deepEqual(metricNames('count by (severity) (ALERTS{alertstate="firing", alertname!="Watchdog"})'), ["ALERTS"]);
  });
});
