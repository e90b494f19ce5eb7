// Small builders every dashboard shares: Prometheus queries against the provisioned
// datasource, and panels with a title, a size and a unit.
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import { PROMETHEUS_DATASOURCE } from "./datasource";

export interface Query {
  expr: string;
  legend: string;
  /** range (default) for graphs, instant for the current value, table for one row per series. */
  kind?: "range" | "instant" | "table";
}

/** Panel builders share these setters; each panel type adds its own options. */
interface PanelLike<T> extends cog.Builder<dashboard.Panel> {
  id(id: number): T;
  title(title: string): T;
  datasource(ref: dashboard.DataSourceRef): T;
  height(h: number): T;
  span(w: number): T;
  withTarget(target: cog.Builder<cog.Dataquery>): T;
}

const refId = (i: number) => String.fromCharCode(65 + i);

function target(q: Query, i: number): prometheus.DataqueryBuilder {
  const b = new prometheus.DataqueryBuilder().datasource(PROMETHEUS_DATASOURCE).expr(q.expr).legendFormat(q.legend).refId(refId(i));
  if (q.kind === "instant" || q.kind === "table") b.instant();
  if (q.kind === "table") b.format(prometheus.PromQueryFormat.Table);
  return b;
}

/** Numbers panels in the order they are placed; Grafana needs ids unique per dashboard. */
export class PanelIds {
  private next = 1;
  take(): number {
    return this.next++;
  }
}

/** Fills in what every panel needs: id, title, datasource, size, and one target per query. */
export function panel<T extends PanelLike<T>>(builder: T, ids: PanelIds, title: string, size: { w: number; h: number }, queries: Query[]): T {
  builder.id(ids.take()).title(title).datasource(PROMETHEUS_DATASOURCE).height(size.h).span(size.w);
  queries.forEach((q, i) => builder.withTarget(target(q, i)));
  return builder;
}

/** Absolute colour steps: the base colour, then each [value, colour] from low to high. */
export function steps(base: string, levels: [number, string][]): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps([{ value: null, color: base }, ...levels.map(([value, color]) => ({ value, color }))]);
}

/** A stat showing each series' latest value (the SDK leaves the reducer empty). */
export const lastValueStat = (): stat.PanelBuilder => new stat.PanelBuilder().reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]));

/** A row header; rows are panels too and take an id. */
export const row = (ids: PanelIds, title: string): dashboard.RowBuilder => new dashboard.RowBuilder(title).id(ids.take());
