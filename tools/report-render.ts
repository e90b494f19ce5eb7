// The report of `npm run report` as one self-contained HTML file (uPlot and the data inlined: it
// opens offline, from a mail or a chat upload) and a Markdown summary for chat. uPlot draws the
// burn-down charts: a small (50 KB), maintained time-series library made for exactly this, whose
// one-file build inlines cleanly.
import * as fs from "node:fs";
import type { AlertQuality } from "./alert-review";
import type { Review, SloReview } from "./slo-review";
import { topConsumers } from "./slo-review";

const UPLOT = {
  js: () => fs.readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8"),
  css: () => fs.readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
};

export interface Report {
  /** Where the numbers come from, as the reader should see it. */
  source: string;
  generatedAt: Date;
  review: Review;
  alerts: AlertQuality;
}

export const percent = (x: number | null, digits = 1): string => (x === null ? "n/a" : `${(x * 100).toFixed(digits)}%`);
const when = (t: number) => new Date(t * 1000).toISOString().slice(0, 16).replace("T", " ") + " UTC";
const duration = (seconds: number) => {
  const m = Math.round(seconds / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
};
const name = (s: SloReview) => `${s.service} ${s.slo}`;
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/**
 * Label values in Markdown: a pipe or a line break would end a table cell, and `&`, `<`, `>` as
 * entities keep HTML out of renderers and mentions (`<!channel>`) out of chat.
 */
const cell = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|").replace(/\n/g, " ");

function incidents(review: Review) {
  return review.slos.flatMap((s) => s.incidents.map((i) => ({ slo: name(s), ...i })));
}

function periodLine(r: Report): string {
  const p = r.review.period;
  return `${p.name} review, ${when(p.start)} to ${when(p.end)} (compared with the ${p.name === "month" ? "month" : p.name} before), from ${r.source}`;
}

export function renderMarkdown(r: Report): string {
  const { review, alerts } = r;
  const lines = [
    `# SLO review`,
    "",
    periodLine(r),
    "",
    "| SLO | Objective | Attainment | Before | Budget left | Policy |",
    "|---|---|---|---|---|---|",
    ...review.slos.map((s) => `| ${cell(name(s))} | ${percent(s.objective, 2)} | ${percent(s.attainment, 3)} | ${percent(s.previousAttainment, 3)} | ${percent(s.budgetRemaining)} | ${s.state} |`),
    "",
    `## Incidents (burn-rate alerts)`,
    "",
    ...(incidents(review).length === 0
      ? ["None in the period."]
      : incidents(review).map((i) => `- ${cell(i.slo)}: ${cell(i.alert)} (${cell(i.severity)}) from ${when(i.start)}, ${i.ongoing ? "still firing" : `for ${duration(i.end - i.start)}`}, spent ${percent(i.budgetSpent)} of the budget`)),
    "",
    `## Maintenance windows (no budget spent)`,
    "",
    ...(review.maintenance.length === 0 ? ["None in the period."] : review.maintenance.map((m) => `- ${cell(m.name)} from ${when(m.start)}, ${m.ongoing ? "still on" : `for ${duration(m.end - m.start)}`}`)),
    "",
    `## Top budget consumers`,
    "",
    ...(topConsumers(review).length === 0 ? ["No SLO spent budget."] : topConsumers(review).map((s, n) => `${n + 1}. ${cell(name(s))}: ${percent(1 - (s.budgetRemaining ?? 1))} spent`)),
    "",
    `## Alert quality`,
    "",
    `- Noise candidates (resolved within ${alerts.noise.shortSeconds / 60} min): ${alerts.targets.falsePositivesPerWeek.value.toFixed(1)} a week, target under ${alerts.targets.falsePositivesPerWeek.target}: ${alerts.targets.falsePositivesPerWeek.met ? "met" : "missed"}`,
    `- Mean time to resolve critical alerts: ${alerts.targets.mttrMinutes.value === null ? "none resolved" : `${alerts.targets.mttrMinutes.value.toFixed(1)} min`}, target under ${alerts.targets.mttrMinutes.target} min${alerts.targets.mttrMinutes.met === null ? "" : `: ${alerts.targets.mttrMinutes.met ? "met" : "missed"}`}`,
    `- Notifications: ${alerts.notifications.length === 0 ? "none recorded" : alerts.notifications.map((n) => `${cell(n.integration)} ${n.sent}${n.failed ? ` (${n.failed} failed)` : ""}`).join(", ")}`,
    `- Never fired: ${alerts.neverFired.length === 0 ? "none" : alerts.neverFired.map(cell).join(", ")}`,
    "",
    "| Alert | Team | Severity | Firings | A week | Pages a week | Short | Flaps | Mean to resolve |",
    "|---|---|---|---|---|---|---|---|---|",
    ...alerts.alerts.map(
      (a) =>
        `| ${cell(a.alertname)} | ${cell(a.team)} | ${cell(a.severity)} | ${a.firings} | ${a.firingsPerWeek.toFixed(1)} | ${a.pagesPerWeek.toFixed(1)} | ${a.short} | ${a.flaps} | ${a.meanMinutesToResolve === null ? "n/a" : `${a.meanMinutesToResolve.toFixed(1)} min`} |`,
    ),
    "",
  ];
  return lines.join("\n");
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #1d2330; }
h1 { margin-bottom: 0; } .period { color: #555; }
table { border-collapse: collapse; margin: 1em 0; } th, td { border: 1px solid #d0d4dc; padding: 4px 8px; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.state-normal { color: #1a7f37; } .state-review { color: #9a6700; } .state-freeze { color: #bc4c00; } .state-stop, .state-unknown { color: #cf222e; font-weight: bold; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 1em; }
figure { margin: 0; } figcaption { font-weight: 600; }
.met { color: #1a7f37; } .missed { color: #cf222e; }
`;

/** Draws each burn-down from the inlined data; marks the body ready once every chart is drawn. */
const CHARTS = `
const data = JSON.parse(document.getElementById("report-data").textContent);
let drawn = 0;
for (const fig of document.querySelectorAll("figure[data-slo]")) {
  const slo = data.slos[Number(fig.dataset.slo)];
  const xs = slo.burnDown.map((p) => p[0]);
  const level = (pct) => xs.map(() => pct / 100);
  new uPlot({
    width: 520, height: 220,
    scales: { x: { time: true } },
    axes: [{}, { values: (u, ticks) => ticks.map((v) => Math.round(v * 100) + "%") }],
    series: [{}, { label: "budget left", stroke: "#0969da", width: 2 },
      { label: "freeze " + data.policy.freeze + "%", stroke: "#bc4c00", dash: [6, 4] },
      { label: "stop " + data.policy.stop + "%", stroke: "#cf222e", dash: [2, 4] }],
  }, [xs, slo.burnDown.map((p) => p[1]), level(data.policy.freeze), level(data.policy.stop)], fig.querySelector(".plot"));
  drawn++;
}
document.body.dataset.charts = String(drawn);
document.body.dataset.ready = "true";
`;

const td = (v: string, cls = "") => `<td${cls ? ` class="${cls}"` : ""}>${escapeHtml(v)}</td>`;

/** The SLO part: attainment and budget per SLO, burn-down charts, incidents, maintenance windows, top consumers. */
function sloSections(review: Report["review"]): string {
  const sloRows = review.slos
    .map(
      (s) =>
        `<tr data-service="${escapeHtml(s.service)}" data-slo="${escapeHtml(s.slo)}">${td(s.service)}${td(s.slo)}${td(percent(s.objective, 2), "num objective")}${td(percent(s.attainment, 3), "num attainment")}${td(percent(s.previousAttainment, 3), "num previous")}${td(percent(s.budgetRemaining), "num budget")}${td(s.state, `state state-${s.state}`)}</tr>`,
    )
    .join("\n");
  const charts = review.slos
    .map((s, i) => (s.burnDown.length > 0 ? `<figure data-slo="${i}"><figcaption>${escapeHtml(name(s))}</figcaption><div class="plot"></div></figure>` : ""))
    .join("\n");
  const incidentRows = incidents(review)
    .map((i) => `<tr>${td(i.slo)}${td(i.alert)}${td(i.severity)}${td(when(i.start))}${td(i.ongoing ? "still firing" : duration(i.end - i.start), "num duration")}${td(percent(i.budgetSpent), "num spent")}</tr>`)
    .join("\n");
  const maintenanceRows = review.maintenance.map((m) => `<li>${escapeHtml(m.name)} from ${escapeHtml(when(m.start))}, ${m.ongoing ? "still on" : `for ${escapeHtml(duration(m.end - m.start))}`}</li>`).join("\n");
  const consumers = topConsumers(review)
    .map((s) => `<li>${escapeHtml(name(s))}: ${percent(1 - (s.budgetRemaining ?? 1))} spent</li>`)
    .join("\n");
  return `<h2>SLOs</h2>
<table id="slos"><thead><tr><th>Service</th><th>SLO</th><th>Objective</th><th>Attainment</th><th>Period before</th><th>Budget left</th><th>Policy</th></tr></thead>
<tbody>
${sloRows}
</tbody></table>
<p>Policy levels: review under ${review.policy.review}%, freeze under ${review.policy.freeze}%, stop under ${review.policy.stop}% of the budget left.</p>
<h2>Budget burn-down</h2>
<div class="charts">
${charts}
</div>
<h2>Incidents (burn-rate alerts)</h2>
${incidentRows ? `<table id="incidents"><thead><tr><th>SLO</th><th>Alert</th><th>Severity</th><th>Started</th><th>Duration</th><th>Budget spent</th></tr></thead><tbody>\n${incidentRows}\n</tbody></table>` : "<p>None in the period.</p>"}
<h2>Maintenance windows (no budget spent)</h2>
${maintenanceRows ? `<ul id="maintenance">${maintenanceRows}</ul>` : "<p>None in the period.</p>"}
<h2>Top budget consumers</h2>
${consumers ? `<ol id="consumers">${consumers}</ol>` : "<p>No SLO spent budget.</p>"}
`;
}

/** The alert-quality part: the targets, notifications, alerts never fired, and each alert's firings. */
function alertQualitySection(alerts: Report["alerts"]): string {
  const alertRows = alerts.alerts
    .map(
      (a) =>
        `<tr>${td(a.alertname)}${td(a.team)}${td(a.severity)}${td(String(a.firings), "num")}${td(a.firingsPerWeek.toFixed(1), "num")}${td(a.pagesPerWeek.toFixed(1), "num")}${td(String(a.short), "num short")}${td(String(a.flaps), "num flaps")}${td(a.meanMinutesToResolve === null ? "n/a" : `${a.meanMinutesToResolve.toFixed(1)} min`, "num")}</tr>`,
    )
    .join("\n");
  const t = alerts.targets;
  const verdict = (met: boolean | null) => (met === null ? "" : `<span class="${met ? "met" : "missed"}">${met ? "met" : "missed"}</span>`);
  return `<h2>Alert quality</h2>
<ul id="targets">
<li>Noise candidates (resolved within ${alerts.noise.shortSeconds / 60} min): <span class="value">${t.falsePositivesPerWeek.value.toFixed(1)}</span> a week, target under ${t.falsePositivesPerWeek.target}: ${verdict(t.falsePositivesPerWeek.met)}</li>
<li>Mean time to resolve critical alerts: <span class="value">${t.mttrMinutes.value === null ? "none resolved" : `${t.mttrMinutes.value.toFixed(1)} min`}</span>, target under ${t.mttrMinutes.target} min ${verdict(t.mttrMinutes.met)}</li>
<li>Notifications: ${escapeHtml(alerts.notifications.length === 0 ? "none recorded" : alerts.notifications.map((n) => `${n.integration} ${n.sent}${n.failed ? ` (${n.failed} failed)` : ""}`).join(", "))}</li>
<li>Never fired: ${escapeHtml(alerts.neverFired.length === 0 ? "none" : alerts.neverFired.join(", "))}</li>
</ul>
<table id="alerts"><thead><tr><th>Alert</th><th>Team</th><th>Severity</th><th>Firings</th><th>A week</th><th>Pages a week</th><th>Short</th><th>Flaps</th><th>Mean to resolve</th></tr></thead>
<tbody>
${alertRows}
</tbody></table>
`;
}

export function renderHtml(r: Report): string {
  const { review, alerts } = r;
  // The data for the charts, safe inside a script element.
  const data = JSON.stringify({ policy: review.policy, slos: review.slos.map((s) => ({ burnDown: s.burnDown })) }).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>SLO review (${escapeHtml(review.period.name)} to ${escapeHtml(when(review.period.end))})</title>
<style>${UPLOT.css()}${STYLE}</style>
</head>
<body>
<h1>SLO review</h1>
<p class="period">${escapeHtml(periodLine(r))}; generated ${escapeHtml(r.generatedAt.toISOString())}</p>
${sloSections(review)}${alertQualitySection(alerts)}<script id="report-data" type="application/json">${data}</script>
<script>${UPLOT.js()}</script>
<script>${CHARTS}</script>
</body>
</html>
`;
}
