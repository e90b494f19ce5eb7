// npm run local [-- --stack dev] [--ha]: the stack on loopback with real prometheus and
// prometheus-alertmanager, a demo service to break, and local receivers printing every
// notification. With --ha: two Prometheus replicas and three Alertmanager peers, any of which
// can be killed and started again by typing. Ctrl-C stops every process it started.
import * as path from "node:path";
import * as readline from "node:readline";
import { CONTROL_HELP, ControlError, statusTable } from "../local/demo-control";
import { LocalPipeline, SyncError } from "../local/pipeline";
import { SettingsError, StackFileError } from "../settings";
import { SLO_SERIES } from "../monitoring/conventions";
import { readPipelineState } from "../local/pipeline-state";
import { MissingBinaryError } from "../local/processes";
import { type Notification, duplicatesOf, notificationLine } from "../local/receivers";
import { parseArgs, runMain, stackFilePath, stackOptions } from "./args";
import { LOCAL_DIR } from "./local-dir";

const USAGE = "npm run local [-- --stack <name> | --config <stack-file>] [--dir <folder>] [--ha]";

const HA_HELP = [
  "kill <instance>            crash a replica or peer (SIGKILL), e.g. kill alertmanager-a",
  "start <instance>           start it again on its data",
  "cluster                    each running peer's view of the gossip cluster",
  "deliveries                 notifications per channel, and any duplicate",
].join("\n");

const time = () => new Date().toTimeString().slice(0, 8);

const print = (n: Notification) => console.log(notificationLine(n, time()));

const ABOUT = `
Runs the stack on loopback: real prometheus and prometheus-alertmanager, a demo service for
every service of the stack, and local stand-ins for PagerDuty, Slack and e-mail that print every
notification. Type \`help\` once it runs for the commands that break and heal services. Needs
\`apt-get install -y prometheus prometheus-alertmanager\`. Ctrl-C stops everything it started.

  --stack, -s <name>     the stack file to run (default dev)
  --config, -c <file>    any stack file instead
  --dir, -d <folder>     where it keeps its files and state (default .render/local); one pipeline per folder
  --ha                   two Prometheus replicas and three Alertmanager peers instead of one each
  --help, -h             this text

While it runs: npm run test-alert posts a test alert to it, npm run gate reads its budgets and
npm run doctor checks it (the start-up text prints both commands).
`;

runMain(USAGE, async (argv) => {
  const { values } = parseArgs({ args: argv, options: { ...stackOptions, dir: { type: "string", short: "d" }, ha: { type: "boolean", default: false } }, strict: true });
  const stackFile = stackFilePath(values.stack || values.config ? values : { stack: "dev" });
  const dir = path.resolve(values.dir ?? LOCAL_DIR);
  // Two pipelines in one folder would share live files and one state file: refuse the second.
  const running = readPipelineState(dir);
  if ("state" in running) {
    console.error(`a local pipeline (pid ${running.state.pid}, ${path.basename(running.state.stackFile)}) is already running from ${dir}; stop it, or start this one in its own folder with --dir <folder>`);
    return 1;
  }

  let pipeline: LocalPipeline;
  try {
    pipeline = await LocalPipeline.start({ stackFile, dir, onNotification: print, ha: values.ha, onUnexpectedExit: (name, code, tail) => crashed(name, code, tail) });
  } catch (err) {
    if (!(err instanceof MissingBinaryError)) throw err;
    console.error(err.message);
    return 1;
  }

  /** A process that died on its own: said at once, started again on its data; if that fails, everything stops. */
  function crashed(name: string, code: number | null, tail: string) {
    console.log(`${time()}  ${name} exited unexpectedly (code ${code ?? "none"}); its last output:\n${tail.replace(/^/gm, "    ")}\n${time()}  starting ${name} again`);
    pipeline.restart(name).then(
      () => console.log(`${time()}  ${name} started again and ready`),
      (err: Error) => {
        console.error(`${time()}  ${name} could not be started again: ${err.message}\nstopping the pipeline.`);
        void pipeline.stop().then(() => process.exit(1));
      },
    );
  }

  const { demo, settings } = pipeline;
  const example = settings.services.find((s) => s.plane === "app")?.name ?? demo.names[0];
  console.log(`local pipeline for ${path.basename(stackFile)} (${settings.notifications.mode} receivers), live files in ${dir}/live/<${pipeline.ha ? "instance" : "service"}>/current`);
  for (const i of pipeline.instances) console.log(`  ${i.name.padEnd(16)} ${i.url}${i.service === "prometheus" ? `   (alerts: ${i.url}/alerts)` : ""}${i.gossip ? `   gossip ${i.gossip} (mutual TLS)` : ""}`);
  if (pipeline.ha) {
    console.log(`  every API is https and asks for user monitoring, password in ${path.relative(process.cwd(), pipeline.apiPasswordFile!)}`);
    console.log(`  its certificates chain to the CA in ${path.relative(process.cwd(), pipeline.apiCaFile!)} (the tools' --ca-file)`);
  }
  for (const e of demo.endpoints) console.log(`  demo ${e.job.padEnd(36)} http://${e.target}/metrics`);
  console.log(`  demo control  ${demo.controlUrl}`);
  console.log(`\nBreak a service by typing a command here, or over HTTP:`);
  console.log(`  curl -X POST ${demo.controlUrl}/${example}/down`);
  const help = pipeline.ha ? `${CONTROL_HELP}\n${HA_HELP}` : CONTROL_HELP;
  console.log(help.replace(/^/gm, "  "));
  const access = pipeline.ha ? ` --password-file ${path.relative(process.cwd(), pipeline.apiPasswordFile!)} --ca-file ${path.relative(process.cwd(), pipeline.apiCaFile!)}` : "";
  console.log(`\nThe error budget gate against this stack: npm run gate -- --prometheus ${pipeline.prometheusUrl} --service ${example}${access}`);
  console.log(`A health check of it: npm run doctor -- --prometheus ${pipeline.prometheusUrl} --alertmanager ${pipeline.alertmanagerUrl} --config ${path.relative(process.cwd(), stackFile) || stackFile}${access}`);
  console.log(`An SLO and alert-quality review of it: npm run report -- --prometheus ${pipeline.prometheusUrl} --config ${path.relative(process.cwd(), stackFile) || stackFile} --out ${path.join(path.relative(process.cwd(), dir) || ".", "report")}${access}`);
  console.log(`\nNotifications appear below as they reach each receiver. Ctrl-C stops everything.\n`);

  const input = readline.createInterface({ input: process.stdin });
  input.on("line", (line) => {
    const words = line.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) return;
    if (words[0] === "help" && words.length === 1) return console.log(help);
    if (pipeline.ha && haCommand(pipeline, words)) return;
    if (words[0] === "reload" && words.length === 1) {
      // The stack file as it is now, through the same check-then-reload step as the Docker stack.
      pipeline.reload().then(
        (said) => said.forEach((line) => console.log(`${time()}  ${line}`)),
        (err: unknown) => console.log(err instanceof SyncError || err instanceof SettingsError || err instanceof StackFileError ? `${time()}  ${err.message}` : String(err)),
      );
      return;
    }
    try {
      const states = demo.run(words);
      if (words[0] === "status") {
        console.log(statusTable(states));
        pipeline.sloStatus().then(
          ({ firing, budgets }) => {
            console.log(`\nfiring alerts: ${firing.length === 0 ? "none" : ""}${firing.map((f) => `\n  ${f}`).join("")}`);
            console.log(`\nerror budget left (${SLO_SERIES.budgetRemaining}):${budgets.map((b) => `\n  ${b.service.padEnd(32)} ${b.slo.padEnd(16)} ${(b.remaining * 100).toFixed(1)}%`).join("") || " no data yet"}`);
          },
          (err: Error) => console.log(`could not read Prometheus: ${err.message}`),
        );
      } else console.log(`${time()}  demo: ${words.join(" ")}`);
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
  // Ctrl-C in `npm run local | tee` ends the reader too: writing to it fails (EPIPE), and that
  // must not end this process before everything it started is stopped and removed.
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
  console.log("\nstopping prometheus, alertmanager, the demo service and the receivers...");
  await pipeline.stop();
  console.log("stopped.");
}, ABOUT);

/** The HA commands; false when the words are not one. */
function haCommand(pipeline: LocalPipeline, words: string[]): boolean {
  const [verb, name, ...rest] = words;
  const report = (p: Promise<unknown>, done: string) => p.then(() => console.log(`${time()}  ${done}`), (err: Error) => console.log(`${time()}  ${err.message}`));
  if ((verb === "kill" || verb === "start") && name && rest.length === 0) {
    if (verb === "kill") report(pipeline.kill(name), `${name} killed`);
    else report(pipeline.restart(name), `${name} started and ready`);
    return true;
  }
  if (verb === "cluster" && !name) {
    pipeline.cluster().then(
      (view) => view.forEach((v) => console.log(`  ${v.name.padEnd(16)} ${v.status.padEnd(9)} ${v.members} members`)),
      (err: Error) => console.log(err.message),
    );
    return true;
  }
  if (verb === "deliveries" && !name) {
    const all = pipeline.receivers.notifications;
    const counts = new Map<string, number>();
    for (const n of all) counts.set(n.channel, (counts.get(n.channel) ?? 0) + 1);
    for (const [channel, n] of [...counts].sort()) console.log(`  ${channel.padEnd(40)} ${n}`);
    const duplicates = duplicatesOf(all.filter((n) => n.channel !== "watchdog"));
    console.log(`  duplicates: ${duplicates.length}${duplicates.map((n) => `\n    ${n.channel} ${n.status} ${n.summary}`).join("")}`);
    return true;
  }
  return false;
}
