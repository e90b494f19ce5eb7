// npm run report against a real Prometheus holding two weeks of known history, backfilled with
// promtool: the documented SLO series for three SLOs (an incident in the week reviewed, one in
// the week before, one still going at its end), ALERTS with burn-rate incidents, a flapping
// alert and an outage at known times, and two Alertmanager peers' notification counters. The
// report's numbers must equal the PromQL truth, and the HTML must open in a real headless
// browser with its charts drawn and the right figures shown.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import puppeteer from "puppeteer-core";
import { stringify } from "yaml";
import { findBinary, ManagedProcess } from "../../local/processes";
import { freePorts } from "../../local/ports";
import { instantQuery } from "../../tools/prometheus-api";
import { runCli, tmpDir } from "../helpers/tools";

const MIN = 60;
const HOUR = 3600;
const DAY = 86_400;
const WEEK = 7 * DAY;
/** The review's end: whole hours, safely before the live head. */
const T = Math.floor(Date.now() / 1000 / HOUR) * HOUR - 2 * HOUR;
const FROM = T - 2 * WEEK - HOUR;
const SLOT = 5 * MIN;

interface Slo {
  labels: Record<string, string>;
  objective: number;
  rate: number;
  /** The error ratio at time t. */
  errors: (t: number) => number;
}

const between = (t: number, from: number, to: number) => t >= from && t < to;
const SLOS: Slo[] = [
  // 50% errors for an hour two days before the end; 20% for 30 minutes ten days before it.
  { labels: { service: "checkout", slo: "availability", team: "appPlane" }, objective: 0.99, rate: 10, errors: (t) => (between(t, T - 2 * DAY, T - 2 * DAY + HOUR) ? 0.5 : between(t, T - 10 * DAY, T - 10 * DAY + 30 * MIN) ? 0.2 : 0) },
  // A steady 0.6% against a 1% budget: 40% left, under the review level.
  { labels: { service: "ledger", slo: "p99", team: "controlPlane" }, objective: 0.99, rate: 4, errors: () => 0.006 },
  // 30% errors for the last 30 minutes: still burning at the end, under the freeze level.
  { labels: { service: "search", slo: "availability", team: "appPlane" }, objective: 0.999, rate: 5, errors: (t) => (t >= T - 30 * MIN ? 0.3 : 0) },
];

/** Running totals, exact per slot, from which the one-day events are taken. */
function totals(slo: Slo): { t: number; errors: number; requests: number }[] {
  const out: { t: number; errors: number; requests: number }[] = [];
  let errors = 0;
  let requests = 0;
  for (let t = FROM; t <= T; t += SLOT) {
    out.push({ t, errors, requests });
    errors += slo.errors(t) * slo.rate * SLOT;
    requests += slo.rate * SLOT;
  }
  return out;
}

/** Events over the day ending at row i: what slo:sli_*:increase1d hold. */
const day = (rows: ReturnType<typeof totals>, i: number, pick: (r: ReturnType<typeof totals>[number]) => number) => pick(rows[i]) - pick(rows[Math.max(0, i - DAY / SLOT)]);

/** Budget left over a 7-day SLO period, from the totals. */
const remaining = (slo: Slo, rows: ReturnType<typeof totals>, i: number) => {
  const back = rows[Math.max(0, i - WEEK / SLOT)];
  const requests = rows[i].requests - back.requests;
  return requests > 0 ? 1 - (rows[i].errors - back.errors) / (requests * (1 - slo.objective)) : 1;
};

interface Episode {
  labels: Record<string, string>;
  from: number;
  /** The last minute it fires in. */
  to: number;
}

const EPISODES: Episode[] = [
  // One fast burn seen by both page tiers at once: one incident.
  { labels: { alertname: "ErrorBudgetBurningFast", service: "checkout", slo: "availability", team: "appPlane", severity: "critical", burn_tier: "1h" }, from: T - 2 * DAY + 2 * MIN, to: T - 2 * DAY + HOUR },
  { labels: { alertname: "ErrorBudgetBurningFast", service: "checkout", slo: "availability", team: "appPlane", severity: "critical", burn_tier: "6h" }, from: T - 2 * DAY + 5 * MIN, to: T - 2 * DAY + 50 * MIN },
  { labels: { alertname: "ErrorBudgetBurningSlow", service: "checkout", slo: "availability", team: "appPlane", severity: "warning", burn_tier: "1d" }, from: T - 2 * DAY + 10 * MIN, to: T - 2 * DAY + 2 * HOUR },
  { labels: { alertname: "ErrorBudgetBurningFast", service: "search", slo: "availability", team: "appPlane", severity: "critical", burn_tier: "1h" }, from: T - 28 * MIN, to: T },
  // Before the period: not in the review.
  { labels: { alertname: "ErrorBudgetBurningFast", service: "checkout", slo: "availability", team: "appPlane", severity: "critical", burn_tier: "1h" }, from: T - 10 * DAY, to: T - 10 * DAY + 25 * MIN },
  // Three two-minute firings twenty minutes apart: short, and two flaps.
  ...[0, 20, 40].map((m) => ({ labels: { alertname: "HighErrorRate", service: "checkout", plane: "app", team: "appPlane", severity: "warning" }, from: T - 5 * DAY + m * MIN, to: T - 5 * DAY + (m + 2) * MIN })),
  // An outage of 20 minutes; the alert has no team label, so it counts under its plane.
  { labels: { alertname: "ServiceDown", service: "ledger", plane: "control", severity: "critical" }, from: T - 3 * DAY, to: T - 3 * DAY + 20 * MIN },
  { labels: { alertname: "Watchdog", severity: "none" }, from: T - WEEK, to: T },
];

const NOTIFICATIONS = [
  { labels: { instance: "am-a", integration: "pagerduty" }, sent: 3, failed: 1 },
  { labels: { instance: "am-b", integration: "pagerduty" }, sent: 1, failed: 0 },
  { labels: { instance: "am-a", integration: "slack" }, sent: 12, failed: 0 },
];

const om = (name: string, labels: Record<string, string>, value: number, t: number) =>
  `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(",")}} ${value} ${t}\n`;

function history(): string {
  const out: string[] = [];
  const family = (name: string, type: string) => out.push(`# TYPE ${name} ${type}\n`);
  const rows = SLOS.map(totals);
  // The one-day events and error ratio, recorded from a day after the history begins.
  const daily = (name: string, value: (rows: ReturnType<typeof totals>, i: number) => number) => {
    family(name, "gauge");
    SLOS.forEach((s, n) => rows[n].forEach((r, i) => r.t >= FROM + DAY && out.push(om(name, s.labels, value(rows[n], i), r.t))));
  };
  daily("slo:sli_requests:increase1d", (rs, i) => day(rs, i, (r) => r.requests));
  daily("slo:sli_error:ratio_rate1d", (rs, i) => day(rs, i, (r) => r.errors) / day(rs, i, (r) => r.requests));
  family("slo:error_budget:remaining", "gauge");
  SLOS.forEach((s, n) => rows[n].forEach((r, i) => out.push(om("slo:error_budget:remaining", s.labels, remaining(s, rows[n], i), r.t))));
  family("slo:objective:ratio", "gauge");
  SLOS.forEach((s, n) => rows[n].forEach((r) => out.push(om("slo:objective:ratio", s.labels, s.objective, r.t))));
  // A 90-minute maintenance window three days before the end.
  family("slo:maintenance:active", "gauge");
  for (let t = T - 3 * DAY; t < T - 3 * DAY + 90 * MIN; t += 60) out.push(om("slo:maintenance:active", { maintenance: "db-migration" }, 1, t));
  family("ALERTS", "gauge");
  for (const e of EPISODES) for (let t = e.from; t <= e.to; t += 15) out.push(om("ALERTS", { ...e.labels, alertstate: "firing" }, 1, t));
  for (const [name, field] of [["alertmanager_notifications", "sent"], ["alertmanager_notifications_failed", "failed"]] as const) {
    family(name, "counter");
    for (const n of NOTIFICATIONS) {
      // A notification every few hours inside the week, none outside it.
      for (let t = FROM; t <= T; t += SLOT) {
        const inWeek = Math.max(0, Math.min(t, T - HOUR) - (T - WEEK + HOUR));
        out.push(om(`${name}_total`, n.labels, Math.min(n[field], Math.floor((inWeek / (WEEK - 2 * HOUR)) * (n[field] + 1))), t));
      }
    }
  }
  return `${out.join("")}# EOF\n`;
}

const run = (...args: string[]) => runCli("report", ...args);

describe("npm run report (real prometheus, two weeks of backfilled history, headless chromium)", function () {
  this.timeout(180_000);
  let prometheus: ManagedProcess;
  let url: string;
  let dir: string;
  let html: string;
  let markdown: string;

  const truth = async (query: string, t = T) => Object.fromEntries((await instantQuery({ url }, query, t)).map((s) => [`${s.labels.service} ${s.labels.slo}`, s.value]));

  before(async () => {
    dir = tmpDir("ananta-report-");
    const data = path.join(dir, "data");
    fs.writeFileSync(path.join(dir, "history.om"), history());
    const backfill = spawn(findBinary("promtool"), ["tsdb", "create-blocks-from", "openmetrics", `--max-block-duration=${15 * 24}h`, path.join(dir, "history.om"), data], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    backfill.stderr.on("data", (d) => (err += d));
    assert.equal(await new Promise((r) => backfill.on("exit", r)), 0, err);
    // The alerting rules it evaluates: DiskFillingUp never fires.
    const rules = ["ErrorBudgetBurningFast", "ErrorBudgetBurningSlow", "HighErrorRate", "ServiceDown", "DiskFillingUp"].map((alert) => ({ alert, expr: "vector(1) == 0" }));
    fs.writeFileSync(path.join(dir, "rules.yml"), stringify({ groups: [{ name: "alerts", rules: [...rules, { alert: "Watchdog", expr: "vector(1)" }] }] }));
    fs.writeFileSync(path.join(dir, "prometheus.yml"), stringify({ global: { evaluation_interval: "15s" }, rule_files: [path.join(dir, "rules.yml")] }));
    const [port] = await freePorts(1);
    url = `http://127.0.0.1:${port}`;
    prometheus = new ManagedProcess("prometheus", findBinary("prometheus"), [
      `--config.file=${path.join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${data}`,
      "--storage.tsdb.retention.time=60d",
      `--web.listen-address=127.0.0.1:${port}`,
    ]);
    await prometheus.waitReady(`${url}/-/ready`, 60_000);
    const r = await run("--prometheus", url, "--period", "7d", "--at", new Date(T * 1000).toISOString(), "--out", path.join(dir, "out"));
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /wrote .*slo-review\.html and .*slo-review\.md: 3 SLOs, 4 alerts that fired/);
    html = path.join(dir, "out", "slo-review.html");
    markdown = fs.readFileSync(path.join(dir, "out", "slo-review.md"), "utf8");
  });

  after(async () => {
    await prometheus?.stop();
  });

  it("reports each SLO's attainment, the week before's, its budget left and policy state as PromQL computes them", async () => {
    // Seven days of one-day events, each read at its day's end.
    const at = (m: string, k: number) => `${m}${k ? ` offset ${k}d` : ""}`;
    const week = (f: (k: number) => string) => Array.from({ length: 7 }, (_, k) => f(k)).join(" + ");
    const requests = (k: number) => at("slo:sli_requests:increase1d", k);
    const over = `1 - (${week((k) => `${at("slo:sli_error:ratio_rate1d", k)} * ${requests(k)}`)}) / (${week(requests)})`;
    const attainment = await truth(over);
    const before = await truth(over, T - WEEK);
    const left = await truth("slo:error_budget:remaining");
    // The truth is the designed history: 18,000 bad of 6,048,000 for checkout, and so on.
    assert.ok(Math.abs(attainment["checkout availability"] - (1 - 18_000 / 6_048_000)) < 1e-9);
    assert.ok(Math.abs(before["checkout availability"] - (1 - 3_600 / 6_048_000)) < 1e-9);
    const pct = (x: number, d: number) => `${(x * 100).toFixed(d)}%`;
    for (const [slo, state] of [["checkout availability", "normal"], ["ledger p99", "review"], ["search availability", "freeze"]]) {
      assert.match(markdown, new RegExp(`\\| ${slo} \\| [0-9.]+% \\| ${pct(attainment[slo], 3).replace(".", "\\.")} \\| ${pct(before[slo], 3).replace(".", "\\.")} \\| ${pct(left[slo], 1).replace(".", "\\.")} \\| ${state} \\|`), slo);
    }
  });

  it("lists the burn-rate incidents of the period with their start, duration and the budget each spent", async () => {
    const checkout = (t: number) => truth(`slo:error_budget:remaining{service="checkout"}`, t).then((v) => v["checkout availability"]);
    const fastFrom = T - 2 * DAY + 2 * MIN;
    const fastTo = T - 2 * DAY + HOUR;
    const spent = (await checkout(fastFrom)) - (await checkout(fastTo));
    assert.ok(spent > 0.25 && spent < 0.31, `the fast burn spent ${spent}`);
    const at = (t: number) => new Date(t * 1000).toISOString().slice(0, 16).replace("T", " ");
    assert.ok(markdown.includes(`- checkout availability: ErrorBudgetBurningFast (critical) from ${at(fastFrom)} UTC, for 58 min, spent ${(spent * 100).toFixed(1)}% of the budget`), markdown);
    assert.equal(markdown.split("\n").filter((l) => l.startsWith("- checkout availability: ErrorBudgetBurningFast")).length, 1, "the two tiers of one burn are one incident");
    assert.ok(markdown.includes(`- checkout availability: ErrorBudgetBurningSlow (warning) from ${at(T - 2 * DAY + 10 * MIN)} UTC, for 1 h 50 min`), markdown);
    assert.ok(markdown.includes(`- search availability: ErrorBudgetBurningFast (critical) from ${at(T - 28 * MIN)} UTC, still firing`), markdown);
    assert.ok(!markdown.includes(at(T - 10 * DAY)), "the incident before the period is not in it");
    assert.ok(markdown.includes(`## Maintenance windows (no budget spent)\n\n- db-migration from ${at(T - 3 * DAY)} UTC, for 1 h 29 min\n`), markdown);
    assert.match(markdown, /## Top budget consumers\n\n1\. search availability: .* spent\n2\. ledger p99: 60\.0% spent\n3\. checkout availability/);
  });

  it("reviews alert quality: firings, pages, short and flapping alerts, time to resolve, never fired, notifications", () => {
    const row = (alert: string) => markdown.split("\n").find((l) => l.startsWith(`| ${alert} |`));
    assert.equal(row("HighErrorRate"), "| HighErrorRate | appPlane | warning | 3 | 3.0 | 0.0 | 3 | 2 | 2.0 min |");
    assert.equal(row("ServiceDown"), "| ServiceDown | control | critical | 1 | 1.0 | 1.0 | 0 | 0 | 20.0 min |");
    assert.ok(!markdown.includes("| Watchdog |"), "the heartbeat is no alert to review");
    assert.match(markdown, /- Noise candidates \(resolved within 5 min\): 3\.0 a week, target under 5: met/);
    // Resolved critical episodes: the checkout fast burn (58 min) and the outage (20 min); the search burn still fires.
    assert.match(markdown, /- Mean time to resolve critical alerts: 39\.0 min, target under 30 min: missed/);
    assert.match(markdown, /- Notifications: pagerduty 4 \(1 failed\), slack 12/);
    assert.match(markdown, /- Never fired: DiskFillingUp\n/);
  });

  it("opens in a real browser offline, with no console error, a chart per SLO and the figures shown", async () => {
    const browser = await puppeteer.launch({ executablePath: findBinary("chromium"), args: ["--no-sandbox", "--disable-gpu"], headless: true });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      page.on("pageerror", (e) => errors.push(String(e)));
      // No network: everything the page needs is in the file.
      await page.setRequestInterception(true);
      page.on("request", (req) => (req.url().startsWith("file:") ? req.continue() : (errors.push(`fetched ${req.url()}`), req.abort())));
      await page.setViewport({ width: 1200, height: 900 });
      await page.goto(`file://${html}`, { waitUntil: "load" });
      await page.waitForFunction('document.body.dataset.ready === "true"', { timeout: 20_000 });
      assert.deepEqual(errors, []);
      assert.equal(await page.evaluate("document.body.dataset.charts"), "3");
      assert.equal(await page.$$eval(".uplot canvas", (c) => c.filter((x) => (x as unknown as { width: number }).width > 0).length), 3);
      const cells = await page.$$eval("#slos tbody tr", (rows) => rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent)));
      assert.deepEqual(
        cells.map((c) => [c[0], c[1], c[6]]),
        [
          ["checkout", "availability", "normal"],
          ["ledger", "p99", "review"],
          ["search", "availability", "freeze"],
        ],
      );
      assert.equal(cells[0][3], markdown.match(/\| checkout availability \| [0-9.]+% \| ([0-9.]+%)/)![1], "the page shows the Markdown's figure");
      const shot = path.join(dir, "slo-review.png");
      await page.screenshot({ path: shot, fullPage: true });
      assert.ok(fs.statSync(shot).size > 10_000);
      if (process.env.REPORT_SCREENSHOT) fs.copyFileSync(shot, process.env.REPORT_SCREENSHOT);
    } finally {
      await browser.close();
    }
  });

  it("says so and exits 1 when Prometheus does not answer", async () => {
    const [port] = await freePorts(1);
    const r = await run("--prometheus", `http://127.0.0.1:${port}`, "--out", path.join(dir, "none"));
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /^Prometheus at http:\/\/127\.0\.0\.1:\d+ did not answer: .*ECONNREFUSED/m);
    assert.ok(!fs.existsSync(path.join(dir, "none", "slo-review.html")));
  });
});
