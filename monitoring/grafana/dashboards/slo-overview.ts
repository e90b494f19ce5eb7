// SLO overview: per service (chosen with the service variable) each SLO's good-event share over
// its period against its objective, error budget left, burn rate per alerting window and
// P95/P99 latency; then the same at a glance per plane. Queries read the recorded SLO series of
// conventions.ts.
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { burnFactor, type Settings } from "../../../settings";
import { AVAILABILITY_SLO, LABELS, SLO_SERIES } from "../../conventions";
import { SLOT, recordedWindows } from "../../slo/windows";
import { PROMETHEUS_DATASOURCE } from "../datasource";
import { PanelIds, lastValueStat, panel, row, steps } from "../panels";

export const SLO_OVERVIEW_UID = "ananta-slo-overview";
export const SERVICE_VARIABLE = LABELS.service;

const SERVICE = `${LABELS.service}=~"$${SERVICE_VARIABLE}"`;
const AVAILABILITY = `${LABELS.slo}="${AVAILABILITY_SLO}"`;
/** The reference's latency quantiles (P95 < 500ms, P99 < 2s). */
const QUANTILES = [0.95, 0.99];
/** Window of the plane availability roll-up, as the reference queries it. */
const PLANE_WINDOW = "5m";

/** The burn rate of the selected SLOs over a window: error ratio ÷ error budget (1 - objective). */
function burnRate(window: string): string {
  const budget = `(1 - ${SLO_SERIES.objective}{${SERVICE}})`;
  if (window === SLOT) return `${SLO_SERIES.errorRate5m}{${SERVICE}} / ${SLO_SERIES.requestRate5m}{${SERVICE}} / ${budget}`;
  return `${SLO_SERIES.errorRatio(window)}{${SERVICE}} / ${budget}`;
}

/** Budget left: green above the review level, then yellow, orange and red below stop. */
function budgetSteps(settings: Settings) {
  const { review, freeze, stop } = settings.slo.budgetPolicy;
  return steps("red", [
    [stop / 100, "orange"],
    [freeze / 100, "yellow"],
    [review / 100, "green"],
  ]);
}

/** A line at each alert's burn rate over the stack's period: red where it pages, orange where it opens a ticket. */
function burnSteps(settings: Settings) {
  const factor = (p: { long: string; budgetPercent: number }) => burnFactor(p, settings.slo.periodDays);
  const a = settings.slo.alerting;
  return steps("green", [...new Map<number, string>([...a.ticket.map((p) => [factor(p), "orange"] as const), ...a.page.map((p) => [factor(p), "red"] as const)])].sort(([x], [y]) => x - y));
}

const serviceVariable = () =>
  new dashboard.QueryVariableBuilder(SERVICE_VARIABLE)
    .label("Service")
    .datasource(PROMETHEUS_DATASOURCE)
    .query(`label_values(${SLO_SERIES.objective}, ${LABELS.service})`)
    .definition(`label_values(${SLO_SERIES.objective}, ${LABELS.service})`)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue(".*");

/** The services row: the selected services' SLOs over their period, budget, objective, burn rates and latency. */
function servicePanels(b: dashboard.DashboardBuilder, ids: PanelIds, settings: Settings): void {
  const { raw, long } = recordedWindows(settings);
  const durationMetrics = [...new Set(settings.services.flatMap((s) => s.slo.latency.map((l) => l.metric)))];
  b.withRow(row(ids, "Services"))
    .withPanel(
      panel(lastValueStat(), ids, `Good events over the SLO period`, { w: 8, h: 6 }, [
        { expr: `1 - ${SLO_SERIES.errorRatio("period")}{${SERVICE}}`, legend: "{{service}} {{slo}}", kind: "instant" },
      ])
        .unit("percentunit")
        .decimals(3),
    )
    .withPanel(
      panel(lastValueStat(), ids, "Error budget remaining", { w: 8, h: 6 }, [
        { expr: `${SLO_SERIES.budgetRemaining}{${SERVICE}}`, legend: "{{service}} {{slo}}", kind: "instant" },
      ])
        .unit("percentunit")
        .thresholds(budgetSteps(settings)),
    )
    .withPanel(
      panel(lastValueStat(), ids, "Objective", { w: 8, h: 6 }, [
        { expr: `${SLO_SERIES.objective}{${SERVICE}}`, legend: "{{service}} {{slo}}", kind: "instant" },
      ])
        .unit("percentunit")
        .decimals(3),
    )
    .withPanel(
      panel(new timeseries.PanelBuilder(), ids, "Availability against objective", { w: 12, h: 8 }, [
        { expr: `1 - ${SLO_SERIES.errorRatio("1h")}{${AVAILABILITY}, ${SERVICE}}`, legend: "{{service}} (1h)" },
        { expr: `${SLO_SERIES.objective}{${AVAILABILITY}, ${SERVICE}}`, legend: "{{service}} objective" },
      ]).unit("percentunit"),
    )
    .withPanel(
      panel(
        new timeseries.PanelBuilder(),
        ids,
        "Burn rate per window",
        { w: 12, h: 8 },
        [SLOT, ...raw, ...long].map((w) => ({ expr: burnRate(w), legend: `{{service}} {{slo}} ${w}` })),
      ).thresholds(burnSteps(settings)),
    )
    .withPanel(
      panel(
        new timeseries.PanelBuilder(),
        ids,
        "Latency P95 / P99",
        { w: 24, h: 8 },
        durationMetrics.flatMap((m) =>
          QUANTILES.map((q) => ({
            expr: `histogram_quantile(${q}, sum by (${LABELS.service}, le) (rate(${m}_bucket{${SERVICE}}[$__rate_interval])))`,
            legend: `{{service}} P${Math.round(q * 100)}`,
          })),
        ),
      ).unit("s"),
    );
}

/** The planes row: each plane's 5m availability, budget left and availability over the stack's period. */
function planePanels(b: dashboard.DashboardBuilder, ids: PanelIds, settings: Settings): void {
  const period = `${settings.slo.periodDays}d`;
  b.withRow(row(ids, "Planes"));
  for (const plane of [...new Set(settings.services.map((s) => s.plane))]) {
    b.withPanel(
      panel(lastValueStat(), ids, `${plane} plane availability (${PLANE_WINDOW})`, { w: 8, h: 6 }, [
        { expr: `${SLO_SERIES.plane.availability(plane, PLANE_WINDOW)}{${AVAILABILITY}}`, legend: plane, kind: "instant" },
      ])
        .unit("percentunit")
        .decimals(3),
    )
      .withPanel(
        panel(lastValueStat(), ids, `${plane} plane error budget remaining`, { w: 8, h: 6 }, [
          { expr: SLO_SERIES.plane.budgetRemaining(plane), legend: "{{slo}}", kind: "instant" },
        ])
          .unit("percentunit")
          .thresholds(budgetSteps(settings)),
      )
      .withPanel(
        panel(lastValueStat(), ids, `${plane} plane availability (${period})`, { w: 8, h: 6 }, [
          { expr: SLO_SERIES.plane.availability(plane, "period"), legend: "{{slo}}", kind: "instant" },
        ])
          .unit("percentunit")
          .decimals(3),
      );
  }
}

export function sloOverview(settings: Settings): dashboard.Dashboard {
  const ids = new PanelIds();
  const b = new dashboard.DashboardBuilder("SLO overview")
    .uid(SLO_OVERVIEW_UID)
    .tags(["slo", settings.environment])
    .readonly()
    .time({ from: "now-24h", to: "now" })
    .refresh("1m")
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .withVariable(serviceVariable());
  // Maintenance windows spend no budget: marked on every panel while they are on.
  if (settings.slo.maintenance.length > 0) {
    b.annotation(
      new dashboard.AnnotationQueryBuilder()
        .name("Maintenance windows")
        .datasource(PROMETHEUS_DATASOURCE)
        .enable(true)
        .iconColor("blue")
        .expr(SLO_SERIES.maintenance)
        .step("60s")
        .titleFormat(`maintenance {{${LABELS.maintenance}}}`),
    );
  }
  servicePanels(b, ids, settings);
  planePanels(b, ids, settings);
  return b.build();
}
