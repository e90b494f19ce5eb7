// npm run doctor -- --prometheus URL --alertmanager URL [--stack S]: a pass/fail table of a
// deployed stack, exit 1 on any failure.
import { API_USER } from "../monitoring/api-auth";
import { doctor } from "../tools/doctor";
import { accessFrom } from "../tools/prometheus-api";
import { UsageError, parseArgs, runMain, settingsFromArgs, apiOptions, stackOptions } from "./args";

const USAGE = "npm run doctor -- --prometheus <url> --alertmanager <url> [--stack <name> | --config <file>] [--password-file <file>] [--ca-file <file>]";

const ABOUT = `
Checks a running stack over its HTTP APIs and prints one row per check, PASS or FAIL with why:
Prometheus and Alertmanager ready, their last configuration reload successful, every scrape
target up (naming the down ones), every rule group evaluating without failures and within its
interval, the SLO series present for every SLO of the stack (with --stack), the Alertmanager
cluster as large as the stack's hosts, no notification failing (by integration), and the Watchdog
firing. Exits 1 on any failure, 0 when everything passes.

  --prometheus <url>       e.g. http://127.0.0.1:9090 (npm run local prints its URLs)
  --alertmanager <url>     e.g. http://127.0.0.1:9093
  --stack, -s <name>       the stack these belong to: its SLOs and its number of peers
  --config, -c <file>      ... or its stack file
  --password-file <file>   the API user's password when the stack's APIs require it (HA)
  --ca-file <file>         the CA their https certificates chain to (apiCaCertificate)
  --help, -h               this text
`;

runMain(USAGE, async (argv) => {
  const { values } = parseArgs({ args: argv, options: { prometheus: { type: "string" }, alertmanager: { type: "string" }, ...apiOptions, ...stackOptions }, strict: true });
  if (!values.prometheus || !values.alertmanager) throw new UsageError("--prometheus and --alertmanager are required");
  const access = accessFrom(values, API_USER);
  const settings = values.stack || values.config ? settingsFromArgs(values) : undefined;
  const rows = await doctor({ prometheus: { url: values.prometheus, ...access }, alertmanager: { url: values.alertmanager, ...access }, settings });
  const width = Math.max(...rows.map((r) => r.check.length));
  for (const r of rows) console.log(`${r.check.padEnd(width)}  ${r.ok ? "PASS" : "FAIL"}${r.detail ? `  ${r.detail}` : ""}`);
  const failed = rows.filter((r) => !r.ok).length;
  console.log(`\n${rows.length - failed} passed, 0 skipped, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}, ABOUT);
