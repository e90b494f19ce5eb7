// npm run validate -- --stack <name> [--tree <rendered-folder>]: the successor of the
// reference's validate-alerting.sh. Renders the stack (or reads a rendered tree), runs promtool
// and amtool on it, checks the secrets the stack needs, prints a pass/fail table and exits
// non-zero naming the failing file.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { ampAlertmanager, offlineTopicArns, type SnsReceiver } from "../monitoring/amp/alertmanager";
import { renderFiles } from "../monitoring/files";
import { FILES } from "../monitoring/layout";
import { ampRouteProblem, missingSecrets, presenceFromPulumiJson, routeTestArgs, routingCases, smokeRuleTest, type RouteCase } from "../validate/checks";
import { MissingBinaryError, findBinary } from "../local/processes";
import { ToolRunner, toolRunner } from "../local/tool-runner";
import { parseSettings, readStackFile, type Settings } from "../settings";
import { ROOT, parseArgs, runMain, stackFilePath, stackOptions } from "./args";
import { writeAmpAlertmanager, writeTree } from "../local/write-tree";

const USAGE = "npm run validate -- (--stack <name> | --config <stack-file>) [--tree <rendered-folder>]";

type Result = "PASS" | "FAIL" | "SKIP";
interface Row {
  check: string;
  file: string;
  result: Result;
  detail: string;
}

const firstLines = (text: string, n = 6) => text.split("\n").filter((l) => l.trim() !== "").slice(0, n).join("\n");

function toolRow(runner: ToolRunner, check: string, file: string, tool: "promtool" | "amtool", args: string[]): Row {
  const r = runner.run(tool, args);
  return { check, file, result: r.code === 0 ? "PASS" : "FAIL", detail: r.code === 0 ? "" : firstLines(r.output) };
}

/**
 * Secrets through the Pulumi CLI when it is here (it lists keys and secret flags without values),
 * else from the stack file itself: `pulumi config set --secret` writes each as a `secure:` value.
 */
function secretsRow(stack: string | undefined, raw: ReturnType<typeof readStackFile>, stackFile: string): Row {
  const needed = missingSecrets(raw);
  const row = (result: Result, detail: string): Row => ({ check: "secrets set", file: `stack ${stack ?? path.basename(stackFile)}`, result, detail });
  if (needed.length === 0) return row("PASS", "the stack needs no secret");
  const verdict = (missing: string[], where: string) =>
    missing.length === 0 ? row("PASS", `set (${where}): ${needed.join(", ")}`) : row("FAIL", `not set (${where}): ${missing.join(", ")} (pulumi config set --secret ...)`);
  const offline = () => verdict(missingSecrets(raw, raw.secrets), `secure: values in ${path.basename(stackFile)}`);
  let pulumi: string;
  try {
    pulumi = findBinary("pulumi");
  } catch (err) {
    if (!(err instanceof MissingBinaryError)) throw err;
    return offline();
  }
  if (!stack) return offline();
  const r = spawnSync(pulumi, ["config", "--stack", stack, "--json"], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) return row("SKIP", `could not check: pulumi config failed: ${firstLines(r.stderr ?? String(r.error), 2)}`);
  return verdict(missingSecrets(raw, presenceFromPulumiJson(r.stdout)), "pulumi config");
}

const routeLabel = (c: RouteCase) => `amtool routes: ${c.labels.alertname} ${c.labels.severity}${c.labels.plane ? ` ${c.labels.plane}` : ""}`;

/** The stack's Alertmanager: check-config, then amtool verifying each routing case's receivers. */
function alertmanagerRows(runner: ToolRunner, settings: Settings, config: string): Row[] {
  return [
    toolRow(runner, "amtool check-config", FILES.alertmanagerConfig, "amtool", ["check-config", config]),
    ...routingCases(settings).map((c) => toolRow(runner, routeLabel(c), FILES.alertmanagerConfig, "amtool", routeTestArgs(config, c))),
  ];
}

/** With AMP: its Alertmanager definition (for the stack's topic names), and that each case pages exactly when it should. */
function ampRows(runner: ToolRunner, settings: Settings, work: string): Row[] {
  const file = "AMP Alertmanager definition";
  const arns = offlineTopicArns(settings);
  const config = writeAmpAlertmanager(path.join(work, "amp"), ampAlertmanager(settings, arns, settings.awsRegion!));
  const receivers = (parseYaml(fs.readFileSync(config, "utf8")) as { receivers: SnsReceiver[] }).receivers;
  return [
    toolRow(runner, "amtool check-config", file, "amtool", ["check-config", config]),
    ...routingCases(settings).map((c): Row => {
      const r = runner.run("amtool", routeTestArgs(config, c, false));
      const problem = r.code === 0 ? ampRouteProblem(settings, arns, receivers, c, r.output) : firstLines(r.output);
      return { check: routeLabel(c), file, result: problem ? "FAIL" : "PASS", detail: problem ?? "" };
    }),
  ];
}

function printTable(rows: Row[]): void {
  const w = { check: Math.max(5, ...rows.map((r) => r.check.length)), file: Math.max(4, ...rows.map((r) => r.file.length)) };
  console.log(`${"CHECK".padEnd(w.check)}  ${"FILE".padEnd(w.file)}  RESULT`);
  for (const r of rows) {
    console.log(`${r.check.padEnd(w.check)}  ${r.file.padEnd(w.file)}  ${r.result}`);
    if (r.detail && r.result !== "PASS") console.log(r.detail.replace(/^/gm, "    "));
  }
}

const ABOUT = `
Checks a stack as the engines will: renders it (or reads --tree), runs promtool check and test
and amtool check-config and routes tests on it, checks that every secret the stack needs is set
(from the Pulumi CLI when it is installed, else from the stack file's own secure: values), and
prints a table ending in "N passed, M skipped, K failed". Exits 1 on any failure.

  --stack, -s <name>     the stack file Pulumi.<name>.yaml at the project root
  --config, -c <file>    any stack file instead
  --tree <dir>           a folder npm run render wrote, instead of rendering
  --help, -h             this text
`;

runMain(USAGE, (argv) => {
  const { values } = parseArgs({ args: argv, options: { ...stackOptions, tree: { type: "string", short: "t" } }, strict: true });
  const stackFile = stackFilePath(values);
  const raw = readStackFile(stackFile);
  const settings = parseSettings(raw, stackFile, { requireSecrets: false });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "ananta-validate-"));
  try {
    const tree = values.tree ? path.resolve(values.tree) : path.join(work, "tree");
    if (!values.tree) writeTree(tree, renderFiles(settings));
    const at = (file: string) => path.join(tree, file);
    let runner: ToolRunner;
    try {
      runner = toolRunner(settings, [tree, work]);
    } catch (err) {
      if (!(err instanceof MissingBinaryError)) throw err;
      console.error(err.message);
      return 1;
    }
    const ruleFiles = fs.existsSync(at("prometheus/rules")) ? fs.readdirSync(at("prometheus/rules")).filter((f) => f.endsWith(".yml")).sort().map((f) => `prometheus/rules/${f}`) : [];
    const smoke = path.join(work, "smoke.test.yml");
    // Only the files holding ServiceDown and the Watchdog: promtool evaluates every rule it loads at every step.
    const smokeFiles = ruleFiles.filter((f) => /alert: (ServiceDown|Watchdog)\b/.test(fs.readFileSync(at(f), "utf8")));
    fs.writeFileSync(smoke, smokeRuleTest(settings, smokeFiles.map(at)));

    const rows: Row[] = [
      toolRow(runner, "promtool check config", FILES.prometheusConfig, "promtool", ["check", "config", "--syntax-only", at(FILES.prometheusConfig)]),
      ...ruleFiles.map((f) => toolRow(runner, "promtool check rules", f, "promtool", ["check", "rules", at(f)])),
      toolRow(runner, "promtool test rules (ServiceDown, Watchdog)", "smoke.test.yml (generated)", "promtool", ["test", "rules", smoke]),
      ...(settings.aws.amp.enabled ? ampRows(runner, settings, work) : alertmanagerRows(runner, settings, at(FILES.alertmanagerConfig))),
      secretsRow(values.stack, raw, stackFile),
    ];
    console.log(`validate ${path.basename(stackFile)}: ${values.tree ? `tree ${tree}` : "freshly rendered"}; tools: ${runner.how}\n`);
    printTable(rows);
    const count = (result: Result) => rows.filter((r) => r.result === result).length;
    const failed = rows.filter((r) => r.result === "FAIL");
    console.log(`\n${count("PASS")} passed, ${count("SKIP")} skipped, ${count("FAIL")} failed`);
    if (failed.length > 0) console.log(`failing: ${[...new Set(failed.map((r) => r.file))].join(", ")}`);
    return failed.length === 0 ? 0 : 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}, ABOUT);
