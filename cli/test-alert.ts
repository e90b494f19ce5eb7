// npm run test-alert -- --severity critical --plane app --service cns-service [--url ...]:
// posts one test alert to a running Alertmanager (the reference's "Send Test Alert"). Without
// --url it finds the Alertmanager of the running local pipeline (npm run local records it).
import * as fs from "node:fs";
import * as path from "node:path";
import { API_USER } from "../monitoring/api-auth";
import { AlertInputError, postAlerts, testAlert } from "../local/alert-api";
import { readPipelineState } from "../local/pipeline-state";
import { ROOT, UsageError, parseArgs, runMain } from "./args";
import { LOCAL_DIR } from "./local-dir";

const USAGE =
  "npm run test-alert -- --severity critical|warning|info --plane <plane> --service <name> [--url http://127.0.0.1:9093 [--password-file <file>] | --dir <npm run local --dir>] [--alertname TestAlert] [--summary <text>] [--minutes 5]";

/** The API password from a file (e.g. `pulumi stack output --show-secrets apiPassword > file`). */
function readPassword(file: string): string {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch (err) {
    throw new AlertInputError(`--password-file ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The --url given, or the running local pipeline's Alertmanager (and its password file in HA). */
function alertmanager(url: string | undefined, dir: string): { url: string; passwordFile?: string } {
  if (url) return { url };
  const found = readPipelineState(dir);
  if ("state" in found) return { url: found.state.alertmanagerUrl, passwordFile: found.state.apiPasswordFile };
  throw new AlertInputError(
    `${found.none}; start it with \`npm run local\` (or pass the --dir it runs with), or point at any Alertmanager with --url http://<host>:9093`,
  );
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
      "password-file": { type: "string" },
    },
    strict: true,
  });
  const { severity, plane, service } = values;
  if (!severity || !plane || !service) throw new UsageError("--severity, --plane and --service are required");
  try {
    const alert = testAlert({ severity, plane, service, alertname: values.alertname, summary: values.summary, minutes: values.minutes === undefined ? undefined : Number(values.minutes) });
    const target = alertmanager(values.url, path.resolve(ROOT, values.dir));
    const passwordFile = values["password-file"] ?? target.passwordFile;
    const url = target.url;
    await postAlerts(url, [alert], passwordFile ? { user: API_USER, password: readPassword(passwordFile) } : undefined);
    const labels = Object.entries(alert.labels).map(([k, v]) => `${k}="${v}"`).join(", ");
    console.log(`posted {${labels}} to ${url}; it stays firing until ${alert.endsAt}`);
  } catch (err) {
    if (!(err instanceof AlertInputError)) throw err;
    console.error(err.message);
    return 1;
  }
});
