// npm run report -- --prometheus URL [--period 7d|30d|month] [--out DIR]: the SLO review and the
// alert-quality review of a running stack, as one self-contained HTML file and a Markdown summary.
import * as fs from "node:fs";
import * as path from "node:path";
import { API_USER } from "../monitoring/api-auth";
import { DEFAULT_NOISE, alertQuality } from "../tools/alert-review";
import { PrometheusUnreachable, accessFrom } from "../tools/prometheus-api";
import { SLO_SERIES } from "../monitoring/conventions";
import { renderHtml, renderMarkdown, type Report } from "../tools/report-render";
import { type BudgetPolicy, PERIODS, type PeriodName, reviewPeriod, sloReview } from "../tools/slo-review";
import { UsageError, parseArgs, runMain, settingsFromArgs, apiOptions, stackOptions } from "./args";

const USAGE =
  "npm run report -- --prometheus <url> [--period 7d|30d|month] [--out <dir>] [--at <time>] [--stack <name> | --config <file>] [--short <minutes>] [--password-file <file>] [--ca-file <file>]";

const ABOUT = `
Writes an SLO review and an alert-quality review of a running stack, read from its Prometheus:
<out>/slo-review.html (self-contained: charts and data inside, opens offline) and
<out>/slo-review.md (the summary, for chat). Per SLO: attainment over the period and the one
before, budget left and its burn-down, the burn-rate incidents that spent it, the top consumers
and the budget policy's state. Per alert and team: firings and pages a week, flaps, the ones that
resolved within minutes (noise candidates), mean time to resolve per severity, the alerts that
never fired, and Alertmanager's notifications per integration, against the targets (under 5
false positives a week, MTTR under 30 minutes).

  --prometheus <url>       e.g. http://127.0.0.1:9090 (npm run local prints its URLs)
  --period <p>             7d (default) or 30d, ending now (or --at); month: the last whole month (UTC)
  --out <dir>              where the two files go (default slo-review)
  --at <time>              review as of this RFC 3339 time instead of now
  --stack, -s <name>       the budget policy's levels from this stack (slo.budgetPolicy)
  --config, -c <file>      ... or from this stack file (default levels 50, 25, 10)
  --short <minutes>        an alert resolved within this is a noise candidate (default 5)
  --password-file <file>   the API user's password when the stack's APIs require it (HA)
  --ca-file <file>         the CA its https certificate chains to (apiCaCertificate)
  --help, -h               this text
`;

const DEFAULT_POLICY: BudgetPolicy = { review: 50, freeze: 25, stop: 10 };

runMain(
  USAGE,
  async (argv) => {
    const { values } = parseArgs({
      args: argv,
      options: {
        prometheus: { type: "string" },
        period: { type: "string", default: "7d" },
        out: { type: "string", default: "slo-review" },
        at: { type: "string" },
        short: { type: "string" },
        ...apiOptions,
        ...stackOptions,
      },
      strict: true,
    });
    if (!values.prometheus) throw new UsageError("--prometheus is required");
    if (!PERIODS.includes(values.period as PeriodName)) throw new UsageError(`--period ${values.period} must be one of: ${PERIODS.join(", ")}`);
    const at = values.at === undefined ? new Date() : new Date(values.at);
    if (Number.isNaN(at.getTime()) || (values.at !== undefined && !/^\d{4}-\d\d-\d\dT/.test(values.at))) throw new UsageError(`--at ${values.at} must be an RFC 3339 time such as 2026-12-01T00:00:00Z`);
    const shortMinutes = values.short === undefined ? DEFAULT_NOISE.shortSeconds / 60 : Number(values.short);
    if (!(shortMinutes > 0)) throw new UsageError(`--short ${values.short} must be a number of minutes above 0`);
    const policy = values.stack || values.config ? settingsFromArgs(values).slo.budgetPolicy : DEFAULT_POLICY;
    const period = reviewPeriod(values.period as PeriodName, at);
    try {
      const api = { url: values.prometheus, ...accessFrom(values, API_USER) };
      const report: Report = {
        source: values.prometheus,
        generatedAt: new Date(),
        review: await sloReview(api, period, policy),
        alerts: await alertQuality(api, period, { ...DEFAULT_NOISE, shortSeconds: shortMinutes * 60 }),
      };
      fs.mkdirSync(values.out, { recursive: true });
      const html = path.join(values.out, "slo-review.html");
      const md = path.join(values.out, "slo-review.md");
      fs.writeFileSync(html, renderHtml(report));
      fs.writeFileSync(md, renderMarkdown(report));
      if (report.review.slos.length === 0) console.log(`no SLO series (${SLO_SERIES.objective}) at ${values.prometheus} for the period: is it the stack's Prometheus?`);
      console.log(`wrote ${html} and ${md}: ${report.review.slos.length} SLOs, ${report.alerts.alerts.length} alerts that fired`);
    } catch (err) {
      if (!(err instanceof PrometheusUnreachable)) throw err;
      console.error(err.message);
      return 1;
    }
  },
  ABOUT,
);
