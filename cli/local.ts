// npm run local [-- --stack dev]: the stack on loopback with real prometheus and
// prometheus-alertmanager, a demo service to break, and local receivers printing every
// notification. Ctrl-C stops every process it started.
import * as path from "node:path";
import * as readline from "node:readline";
import { CONTROL_HELP, ControlError } from "../local/demo-control";
import { LocalPipeline } from "../local/pipeline";
import { MissingBinaryError } from "../local/processes";
import type { Notification } from "../local/receivers";
import { ROOT, parseArgs, runMain, stackFilePath, stackOptions } from "./args";

const USAGE = "npm run local [-- --stack <name> | --config <stack-file>] [--dir <folder>]";

const time = () => new Date().toTimeString().slice(0, 8);
const print = (n: Notification) =>
  console.log(`${time()}  ${n.status === "firing" ? "FIRING  " : "RESOLVED"}  ${n.channel.padEnd(40)}  ${n.summary}`);

runMain(USAGE, async (argv) => {
  const { values } = parseArgs({ args: argv, options: { ...stackOptions, dir: { type: "string", short: "d" } }, strict: true });
  const stackFile = stackFilePath(values.stack || values.config ? values : { stack: "dev" });
  const dir = path.resolve(values.dir ?? path.join(ROOT, ".render", "local"));

  let pipeline: LocalPipeline;
  try {
    pipeline = await LocalPipeline.start({ stackFile, dir, onNotification: print });
  } catch (err) {
    if (!(err instanceof MissingBinaryError)) throw err;
    console.error(err.message);
    return 1;
  }

  const { demo, settings } = pipeline;
  const example = settings.services.find((s) => s.plane === "app")?.name ?? demo.names[0];
  console.log(`local pipeline for ${path.basename(stackFile)} (${settings.notifications.mode} receivers), files in ${dir}/tree`);
  console.log(`  Prometheus    ${pipeline.prometheusUrl}   (alerts: ${pipeline.prometheusUrl}/alerts)`);
  console.log(`  Alertmanager  ${pipeline.alertmanagerUrl}`);
  for (const e of demo.endpoints) console.log(`  demo ${e.job.padEnd(36)} http://${e.target}/metrics`);
  console.log(`  demo control  ${demo.controlUrl}`);
  console.log(`\nBreak a service by typing a command here, or over HTTP:`);
  console.log(`  curl -X POST ${demo.controlUrl}/${example}/down`);
  console.log(CONTROL_HELP.replace(/^/gm, "  "));
  console.log(`\nNotifications appear below as they reach each receiver. Ctrl-C stops everything.\n`);

  const input = readline.createInterface({ input: process.stdin });
  input.on("line", (line) => {
    if (line.trim() === "") return;
    try {
      const states = demo.run(line.trim().split(/\s+/));
      if (line.trim() === "status") console.log(JSON.stringify(states, null, 2));
      else console.log(`${time()}  demo: ${line.trim()}`);
    } catch (err) {
      if (!(err instanceof ControlError)) throw err;
      console.log(err.message);
    }
  });

  // `on`, not `once`: Ctrl-C reaches us twice (from the terminal and relayed by tsx), and a
  // second signal with no listener would end the process before its children are stopped.
  await new Promise<void>((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => resolve());
  });
  input.close();
  console.log("\nstopping prometheus, alertmanager, the demo service and the receivers...");
  await pipeline.stop();
  console.log("stopped.");
});
