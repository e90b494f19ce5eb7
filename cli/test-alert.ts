// npm run test-alert -- --severity critical --plane app --service cns-service [--url ...]:
// posts one test alert to a running Alertmanager (the reference's "Send Test Alert").
import { AlertInputError, postAlerts, testAlert } from "../local/alert-api";
import { UsageError, parseArgs, runMain } from "./args";

const USAGE =
  "npm run test-alert -- --severity critical|warning|info --plane control|app --service <name> [--url http://127.0.0.1:9093] [--alertname TestAlert] [--summary <text>] [--minutes 5]";

runMain(USAGE, async (argv) => {
  const { values } = parseArgs({
    args: argv,
    options: {
      severity: { type: "string" },
      plane: { type: "string" },
      service: { type: "string" },
      url: { type: "string", default: "http://127.0.0.1:9093" },
      alertname: { type: "string" },
      summary: { type: "string" },
      minutes: { type: "string" },
    },
    strict: true,
  });
  const { severity, plane, service } = values;
  if (!severity || !plane || !service) throw new UsageError("--severity, --plane and --service are required");
  try {
    const alert = testAlert({ severity, plane, service, alertname: values.alertname, summary: values.summary, minutes: values.minutes === undefined ? undefined : Number(values.minutes) });
    await postAlerts(values.url, [alert]);
    const labels = Object.entries(alert.labels).map(([k, v]) => `${k}="${v}"`).join(", ");
    console.log(`posted {${labels}} to ${values.url}; it stays firing until ${alert.endsAt}`);
  } catch (err) {
    if (!(err instanceof AlertInputError)) throw err;
    console.error(err.message);
    return 1;
  }
});
