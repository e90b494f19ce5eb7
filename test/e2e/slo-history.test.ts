// The SLO rules deployed onto a Prometheus that already holds 33 days of raw history (backfilled
// with promtool, then scraped live from a local exporter that continues the same counters), with
// six hours in which Prometheus scraped nothing: the budget and every long window read right from
// the history group's first evaluation, and again right after a restart. One service had a full
// outage two days ago (inside the 30-day period), the other 32 days ago (outside it); a third,
// with a calendar month, had its outage just before the month began and counts this month alone.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { SLO_SERIES } from "../../monitoring/conventions";
import { serviceOwner } from "../../monitoring/scrape-jobs";
import { SLO_GROUPS, sloRules } from "../../monitoring/slo";
import { HISTORY_INTERVAL } from "../../monitoring/slo/windows";
import { findBinary, ManagedProcess } from "../../local/processes";
import { closeServer, freePorts, listenLoopback, LOOPBACK } from "../../local/ports";
import { instantQuery } from "../../tools/prometheus-api";
import { settingsWith, stackServices, tmpDir } from "../helpers/tools";

const MIN = 60;
const HOUR = 3600;
const DAY = 86_400;
/** Requests per second of every service. */
const RATE = 10;
const NOW = Math.floor(Date.now() / 1000);
/** Prometheus was down and scraped nothing (the services kept counting). */
const GAP = { from: NOW - 7 * HOUR, to: NOW - HOUR };

interface Traffic {
  /** Share of requests failing outside the outage. */
  base: number;
  /** A full outage: every request fails. */
  outage: { from: number; to: number };
}

const overlap = (a: { from: number; to: number }, from: number, to: number) => Math.max(0, Math.min(a.to, to) - Math.max(a.from, from));
const START = NOW - 33 * DAY;
/** All and bad requests since START: the counters' values at t. */
const counts = (tr: Traffic, t: number) => {
  const all = RATE * (t - START);
  return { all, bad: RATE * (tr.base * (t - START) + (1 - tr.base) * overlap(tr.outage, START, t)) };
};
/** The exact events over (t - window, t]. */
const over = (tr: Traffic, t: number, window: number) => {
  const [a, b] = [counts(tr, t), counts(tr, t - window)];
  return { all: a.all - b.all, bad: a.bad - b.bad };
};

/** The start of the calendar month (UTC) of an instant. */
const monthStart = (t: number) => {
  const d = new Date(t * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
};
const daysInMonth = (t: number) => {
  const d = new Date(t * 1000);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
};

describe("SLO history on a real Prometheus: deployed onto 33 days of raw history with a 6-hour gap, then restarted", function () {
  this.timeout(180_000);
  // The dev stack's two services with rolling 30-day periods, and a third with a calendar month.
  const settings = settingsWith("dev", {
    services: [
      ...stackServices("dev").map((svc) => ({ ...svc, slo: { latency: [] } })),
      { name: "billing-service", plane: "control", targets: ["billing:8080"], slo: { latency: [], availability: { objective: 99.9, period: { calendar: "month" } } } },
    ],
    slo: { periodDays: 30 },
    docker: { retention: { time: "40d" } },
  });
  const [ctl, app, billing] = settings.services;
  const traffic = new Map<string, Traffic>([
    [ctl.name, { base: 0.0002, outage: { from: NOW - 2 * DAY, to: NOW - 2 * DAY + HOUR } }],
    [app.name, { base: 0.0005, outage: { from: NOW - 32 * DAY, to: NOW - 32 * DAY + HOUR } }],
    // An outage just before this month began: the calendar month does not count it.
    [billing.name, { base: 0.0002, outage: { from: monthStart(NOW) - 2 * HOUR, to: monthStart(NOW) - HOUR } }],
  ]);
  let dir: string;
  let exporter: http.Server;
  let prometheus: ManagedProcess | undefined;
  let url: string;
  let promPort: number;
  let data: string;
  let config: string;

  const start = async () => {
    prometheus = new ManagedProcess("prometheus", findBinary("prometheus"), [
      `--config.file=${config}`,
      `--storage.tsdb.path=${data}`,
      "--storage.tsdb.retention.time=40d",
      `--web.listen-address=${LOOPBACK}:${promPort}`,
    ]);
    await prometheus.waitReady(`${url}/-/ready`, 60_000);
    return Math.floor(Date.now() / 1000);
  };

  /** When the history group first recorded every service's budget after `since` (the instant to read its figures at). */
  const budgets = async (since: number) => {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 1000))) {
      const rows = await instantQuery({ url }, `timestamp(${SLO_SERIES.budgetRemaining}) > ${since}`);
      if (rows.length === settings.services.length) return Math.ceil(Math.max(...rows.map((r) => r.value)));
    }
    assert.fail(`no budget evaluated after ${since}:\n${prometheus?.logTail()}`);
  };

  before(async () => {
    dir = tmpDir("ananta-slo-history-");
    data = path.join(dir, "data");
    const [exporterPort] = await freePorts(1);
    // The services' own counters, continued live where the backfill ends.
    exporter = http.createServer((req, res) => {
      const svc = settings.services.find((s) => req.url === `/${s.name}`);
      if (!svc) return void res.writeHead(404).end();
      const c = counts(traffic.get(svc.name)!, Date.now() / 1000);
      res.writeHead(200, { "content-type": "text/plain" }).end(`# TYPE http_requests_total counter\nhttp_requests_total{code="200"} ${c.all - c.bad}\nhttp_requests_total{code="500"} ${c.bad}\n`);
    });
    const port = await listenLoopback(exporter.listen(exporterPort, LOOPBACK));
    const instance = `${LOOPBACK}:${port}`;
    // One sample a minute until two minutes ago, none in the gap, with the labels the scrape jobs attach.
    const times = Array.from({ length: (NOW - 2 * MIN - START) / MIN + 1 }, (_, k) => START + k * MIN).filter((t) => t < GAP.from || t >= GAP.to);
    const labels = (svc: (typeof settings.services)[number]) => `job="${svc.job}",instance="${instance}",${Object.entries(serviceOwner(svc)).map(([k, v]) => `${k}="${v}"`).join(",")}`;
    const lines = ["# TYPE up gauge", ...settings.services.flatMap((svc) => times.map((t) => `up{${labels(svc)}} 1 ${t}`)), "# TYPE http_requests counter"];
    for (const svc of settings.services) {
      for (const t of times) {
        const c = counts(traffic.get(svc.name)!, t);
        lines.push(`http_requests_total{${labels(svc)},code="200"} ${c.all - c.bad} ${t}`, `http_requests_total{${labels(svc)},code="500"} ${c.bad} ${t}`);
      }
    }
    fs.writeFileSync(path.join(dir, "history.om"), `${lines.join("\n")}\n# EOF\n`);
    const backfill = spawn(findBinary("promtool"), ["tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=240h", path.join(dir, "history.om"), data], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    backfill.stderr.on("data", (d) => (err += d));
    assert.equal(await new Promise((r) => backfill.on("exit", r)), 0, err);

    // The rendered rules; the history groups evaluate every 10 s instead of every 5 minutes, so
    // that the test need not wait for Prometheus's first evaluation within the real interval.
    const rules = parse(sloRules(settings)) as { groups: { name: string; interval?: string }[] };
    const history = rules.groups.filter((g) => g.name.startsWith(SLO_GROUPS.history));
    assert.ok(history.length > 0 && history.every((g) => g.interval === HISTORY_INTERVAL));
    for (const g of history) g.interval = "10s";
    fs.writeFileSync(path.join(dir, "slos.yml"), stringify(rules, { lineWidth: 0 }));
    [promPort] = await freePorts(1);
    url = `http://${LOOPBACK}:${promPort}`;
    config = path.join(dir, "prometheus.yml");
    fs.writeFileSync(
      config,
      stringify({
        global: { scrape_interval: "15s", evaluation_interval: "15s" },
        rule_files: [path.join(dir, "slos.yml")],
        scrape_configs: settings.services.map((s) => ({ job_name: s.job, metrics_path: `/${s.name}`, static_configs: [{ targets: [instance], labels: serviceOwner(s) }] })),
      }),
    );
  });

  after(async () => {
    await prometheus?.stop();
    if (exporter) await closeServer(exporter);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Every figure within 2% of the exact one at `at`. */
  const checkFigures = async (at: number) => {
    const got = async (metric: string) => Object.fromEntries((await instantQuery({ url }, metric, at)).map((r) => [r.labels.service, r.value]));
    const [remaining, ratioPeriod, ratio1d, ratio3d, requestsPeriod, requests1d] = await Promise.all(
      [SLO_SERIES.budgetRemaining, SLO_SERIES.errorRatio("period"), SLO_SERIES.errorRatio("1d"), SLO_SERIES.errorRatio("3d"), SLO_SERIES.requests("period"), SLO_SERIES.requests("1d")].map(got),
    );
    const figures: string[] = [];
    for (const svc of settings.services) {
      const tr = traffic.get(svc.name)!;
      // The calendar month so far, its budget for the share of the month gone; or the rolling 30 days.
      const calendar = svc === billing;
      const elapsed = at - monthStart(at);
      const [rolling, day, days3] = [calendar ? elapsed : 30 * DAY, DAY, 3 * DAY].map((w) => over(tr, at, w));
      // A calendar period counts step by step: the steps of the gap in monitoring are lost (the rolling windows bridge it).
      const gapEnd = Math.min(GAP.to, at);
      const gap = calendar && gapEnd > Math.max(GAP.from, monthStart(at)) ? over(tr, gapEnd, gapEnd - Math.max(GAP.from, monthStart(at))) : { all: 0, bad: 0 };
      const period = { all: rolling.all - gap.all, bad: rolling.bad - gap.bad };
      const exact = 1 - (period.bad / period.all / 0.001) * (calendar ? elapsed / (daysInMonth(at) * DAY) : 1);
      const near = (name: string, value: number, truth: number, tolerance: number) => {
        figures.push(`${svc.name} ${name} ${value.toPrecision(5)} (exact ${truth.toPrecision(5)})`);
        assert.ok(Math.abs(value - truth) <= tolerance, `${svc.name} ${name}: ${value} against ${truth} (± ${tolerance})`);
      };
      // Within 2% of the budget spent.
      near("budget remaining", remaining[svc.name], exact, 0.02 * Math.abs(1 - exact));
      near(calendar ? "month's error ratio" : "30d error ratio", ratioPeriod[svc.name], period.bad / period.all, 0.02 * (period.bad / period.all));
      near("3d error ratio", ratio3d[svc.name], days3.bad / days3.all, 0.02 * (days3.bad / days3.all));
      near("1d error ratio", ratio1d[svc.name], day.bad / day.all, 0.02 * (day.bad / day.all));
      near(calendar ? "month's requests" : "30d requests", requestsPeriod[svc.name], period.all, 0.02 * period.all);
      near("1d requests", requests1d[svc.name], day.all, 0.02 * day.all);
    }
    return figures;
  };

  it("reads the 30-day budget and every long window within 2% of exact at the history group's first evaluation", async () => {
    const started = await start();
    const ready = await budgets(started);
    const figures = await checkFigures(ready);
    console.log(`      first budget ${ready - started} s after Prometheus was ready\n      ${figures.join("\n      ")}`);
    // The outage two days ago overspent the first service's budget; the one 32 days ago is outside the period.
    const remaining = Object.fromEntries((await instantQuery({ url }, SLO_SERIES.budgetRemaining, ready)).map((r) => [r.labels.service, r.value]));
    assert.ok(remaining[ctl.name] < 0 && remaining[app.name] > 0.45 && remaining[app.name] < 0.55, JSON.stringify(remaining));
    // The month restarted on the 1st: the outage an hour before it is in no figure of the month (it would be 1/720 of 30 days).
    const [month] = await instantQuery({ url }, `${SLO_SERIES.errorRatio("period")}{service="${billing.name}"}`, ready);
    assert.ok(month.value < 0.0003, `the month's own errors only: ${month.value}`);
    assert.ok(remaining[billing.name] > 0.5, JSON.stringify(remaining));
  });

  it("reads them right again at the first evaluation after a restart", async () => {
    await prometheus!.stop();
    const started = await start();
    const ready = await budgets(started);
    await checkFigures(ready);
  });
});
