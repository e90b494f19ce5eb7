// npm run gate -- --prometheus URL --service S [--change normal|critical]: the error budget
// policy as an exit code for a deploy pipeline (0 go, 1 freeze, 2 stop, 3 unknown).
import { API_USER } from "../monitoring/api-auth";
import { Budget, CHANGES, Change, GATE_EXIT, Policy, budgetQuery, decide } from "../tools/budget-gate";
import { PrometheusUnreachable, accessFrom, instantQuery } from "../tools/prometheus-api";
import { UsageError, parseArgs, runMain, settingsFromArgs, apiOptions, stackOptions } from "./args";

const USAGE =
  "npm run gate -- --prometheus <url> --service <name> [--change normal|critical] [--stack <name> | --config <file> | --freeze 25 --stop 10] [--on-unknown fail|allow] [--override <reason>] [--password-file <file>] [--ca-file <file>]";

const ABOUT = `
Reads each SLO's error budget left for one service (slo:error_budget:remaining) from a running
Prometheus and applies the error budget policy, one line per SLO, then the verdict as the exit code:

  0  go       every budget is above the freeze level (or the change is critical and above stop)
  1  freeze   a normal change while a budget is under the freeze level (default 25%)
  2  stop     any change while a budget is under the stop level (default 10%)
  3  unknown  Prometheus did not answer, or it has no budget series for the service: fails closed

  --prometheus <url>       the stack's Prometheus, e.g. http://127.0.0.1:9090 (npm run local prints it)
  --service <name>         the service about to deploy
  --change normal|critical critical changes (fixes) may go out during a freeze, never during a stop
  --stack, -s <name>       take the freeze and stop levels from this stack's slo.budgetPolicy
  --config, -c <file>      ... or from this stack file
  --freeze <percent>       the freeze level without a stack (default 25)
  --stop <percent>         the stop level without a stack (default 10)
  --on-unknown allow       let the deploy go when the budget cannot be read (says so); default fail
  --override <reason>      let this deploy go whatever the verdict, printing the reason with it
  --password-file <file>   the API user's password when the stack's APIs require it (HA)
  --ca-file <file>         the CA its https certificate chains to (apiCaCertificate)
  --help, -h               this text
`;

const DEFAULT_POLICY: Policy = { freeze: 25, stop: 10 };

function percentFlag(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(n > 0 && n < 100)) throw new UsageError(`--${name} ${value} must be a percentage greater than 0 and less than 100`);
  return n;
}

runMain(USAGE, async (argv) => {
  const { values } = parseArgs({
    args: argv,
    options: {
      prometheus: { type: "string" },
      service: { type: "string" },
      change: { type: "string", default: "normal" },
      freeze: { type: "string" },
      stop: { type: "string" },
      "on-unknown": { type: "string", default: "fail" },
      override: { type: "string" },
      ...apiOptions,
      ...stackOptions,
    },
    strict: true,
  });
  if (!values.prometheus || !values.service) throw new UsageError("--prometheus and --service are required");
  if (!CHANGES.includes(values.change as Change)) throw new UsageError(`--change ${values.change} must be one of: ${CHANGES.join(", ")}`);
  if (!["fail", "allow"].includes(values["on-unknown"])) throw new UsageError(`--on-unknown ${values["on-unknown"]} must be fail or allow`);
  if (values.override !== undefined && values.override.trim() === "") throw new UsageError("--override needs a reason, e.g. --override \"hotfix for INC-123\"");
  const stackPolicy = values.stack || values.config ? settingsFromArgs(values).slo.budgetPolicy : undefined;
  if (stackPolicy && (values.freeze || values.stop)) throw new UsageError("give the levels with --stack/--config or with --freeze/--stop, not both");
  const policy: Policy = stackPolicy ?? { freeze: percentFlag("freeze", values.freeze, DEFAULT_POLICY.freeze), stop: percentFlag("stop", values.stop, DEFAULT_POLICY.stop) };
  if (policy.stop >= policy.freeze) throw new UsageError(`the stop level (${policy.stop}%) must be under the freeze level (${policy.freeze}%)`);

  const finish = (code: number, verdict: string): number => {
    if (code === GATE_EXIT.go) return code;
    if (values.override !== undefined) {
      console.log(`OVERRIDDEN: the gate said ${verdict.toUpperCase()}; deploying anyway because: ${values.override}`);
      return GATE_EXIT.go;
    }
    return code;
  };

  let budgets: Budget[];
  try {
    const samples = await instantQuery({ url: values.prometheus, ...accessFrom(values, API_USER) }, budgetQuery(values.service));
    budgets = samples.filter((s) => Number.isFinite(s.value)).map((s) => ({ slo: s.labels.slo ?? "(no slo label)", remaining: s.value }));
    if (budgets.length === 0) throw new PrometheusUnreachable(`Prometheus at ${values.prometheus} has no ${budgetQuery(values.service)} series: is ${values.service} a service of the stack, and has its history group run (every 5 minutes)?`);
  } catch (err) {
    if (!(err instanceof PrometheusUnreachable)) throw err;
    if (values["on-unknown"] === "allow") {
      console.log(`UNKNOWN: ${err.message}; allowed by --on-unknown allow`);
      return GATE_EXIT.go;
    }
    console.log(`UNKNOWN: ${err.message}; failing closed (--on-unknown allow lets the deploy go)`);
    return finish(GATE_EXIT.unknown, "unknown");
  }
  const decision = decide(values.service, budgets, policy, values.change as Change);
  for (const line of decision.lines) console.log(line);
  return finish(decision.code, decision.verdict);
}, ABOUT);
