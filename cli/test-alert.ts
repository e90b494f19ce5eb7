// npm run test-alert -- --severity critical --plane app --service cns-service [--url ...]:
// posts one test alert to a running Alertmanager (the reference's "Send Test Alert"). Without
// --url it finds the Alertmanager of the running local pipeline (npm run local records it).
import * as path from "node:path";
import { API_USER } from "../monitoring/api-auth";
import { AlertInputError, alertState, postAlerts, testAlert } from "../local/alert-api";
import { PrometheusUnreachable, accessFrom } from "../tools/prometheus-api";
import { readPipelineState } from "../local/pipeline-state";
import { loadStackFile, type Settings } from "../settings";
import { ROOT, UsageError, parseArgs, runMain, stackFilePath, apiOptions, stackOptions } from "./args";
import { LOCAL_DIR } from "./local-dir";

const USAGE =
  "npm run test-alert -- --severity critical|warning|info --plane <plane> --service <name> [--url http://127.0.0.1:9093 [--password-file <file>] [--ca-file <file>] [--stack <name> | --config <file>] | --dir <npm run local --dir>] [--alertname TestAlert] [--summary <text>] [--minutes 5]";

/** The --url given, or the running local pipeline's Alertmanager (its password and CA files in HA, and the stack file it runs). */
function alertmanager(url: string | undefined, dir: string): { url: string; passwordFile?: string; caFile?: string; stackFile?: string } {
  if (url) return { url };
  const found = readPipelineState(dir);
  if ("state" in found) return { url: found.state.alertmanagerUrl, passwordFile: found.state.apiPasswordFile, caFile: found.state.apiCaFile, stackFile: found.state.stackFile };
  throw new AlertInputError(
    `${found.none}; start it with \`npm run local\` (or pass the --dir it runs with), or point at any Alertmanager with --url http://<host>:9093`,
  );
}

const ABOUT = `
Posts one test alert to a running Alertmanager (the reference's "Send Test Alert"): by default
the one npm run local is running (found through its --dir), else the one given with --url.

  --severity <s>         critical, warning or info (required)
  --plane <plane>        the alert's plane, e.g. app (required)
  --service <name>       the alert's service, e.g. cns-service (required)
  --url <url>            an Alertmanager, e.g. http://127.0.0.1:9093, instead of the local pipeline's
  --password-file <f>    the API password when that Alertmanager requires the monitoring user
                         (pulumi stack output --show-secrets apiPassword > f)
  --ca-file <f>          the CA its https certificate chains to (pulumi stack output
                         apiCaCertificate > f)
  --dir <folder>         the folder of the npm run local to find (default .render/local)
  --stack, -s <name>     check --plane and --service against this stack (the local pipeline's
  --config, -c <file>    own stack is checked without them)
  --alertname <name>     default TestAlert
  --summary <text>       its summary annotation
  --minutes <n>          how long it stays firing (default 5; 0 resolves an earlier test alert now)
  --help, -h             this text
`;

/** A plane and service the stack has: a test alert for a typo would route as if it were real. */
function knownToStack(settings: Settings, plane: string, service: string): void {
  if (!settings.planes.includes(plane)) throw new AlertInputError(`--plane ${JSON.stringify(plane)} is not a plane of this stack; its planes: ${settings.planes.join(", ")}`);
  const services = settings.services.map((s) => s.name);
  if (!services.includes(service)) throw new AlertInputError(`--service ${JSON.stringify(service)} is not a service of this stack; its services: ${services.join(", ")}`);
}

runMain(USAGE, async (argv) => {
  const { values } = parseArgs({
    args: argv,
    options: {
      severity: { type: "string" },
      plane: { type: "string" },
      service: { type: "string" },
      url: { type: "string" },
      dir: { type: "string", default: path.relative(ROOT, LOCAL_DIR) },
      alertname: { type: "string" },
      summary: { type: "string" },
      minutes: { type: "string" },
      ...apiOptions,
      ...stackOptions,
    },
    strict: true,
  });
  const { severity, plane, service } = values;
  if (!severity || !plane || !service) throw new UsageError("--severity, --plane and --service are required");
  try {
    const alert = testAlert({ severity, plane, service, alertname: values.alertname, summary: values.summary, minutes: values.minutes === undefined ? undefined : Number(values.minutes) });
    const target = alertmanager(values.url, path.resolve(ROOT, values.dir));
    const stack = values.stack || values.config ? stackFilePath(values) : target.stackFile;
    if (stack) knownToStack(loadStackFile(stack), plane, service);
    const url = target.url;
    const access = accessFrom({ "password-file": values["password-file"] ?? target.passwordFile, "ca-file": values["ca-file"] ?? target.caFile }, API_USER);
    await postAlerts(url, [alert], access);
    const labels = Object.entries(alert.labels).map(([k, v]) => `${k}="${v}"`).join(", ");
    if (alert.endsAt <= new Date().toISOString()) {
      console.log(`resolved {${labels}} at ${url}`);
      return;
    }
    console.log(`posted {${labels}} to ${url}; it stays firing until ${alert.endsAt}`);
    const now = await alertState(url, alert.labels, access);
    if (now?.inhibitedBy.length) console.log(`it is inhibited (no notification) while these fire: ${now.inhibitedBy.join(", ")}`);
    if (now?.silencedBy.length) console.log(`it is silenced (no notification) by silence ${now.silencedBy.join(", ")}`);
  } catch (err) {
    if (!(err instanceof AlertInputError || err instanceof PrometheusUnreachable)) throw err;
    console.error(err.message);
    return 1;
  }
}, ABOUT);
