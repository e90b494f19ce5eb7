// The demo service's control language, shared by its HTTP endpoint (POST /<service>/<verb>/<value>)
// and the terminal (`<service> <verb> <value>`): one parser, one set of words.

export interface ServiceState {
  /** When false, /metrics answers 503 so that Prometheus records up == 0. */
  up: boolean;
  /** Share of requests answered with a 5xx code, 0..1. */
  errorRatio: number;
  /** Duration every request takes, in seconds. */
  latencySeconds: number;
}

export const HEALTHY: Readonly<ServiceState> = Object.freeze({ up: true, errorRatio: 0, latencySeconds: 0.05 });

export const CONTROL_HELP = [
  "<service> down             stop answering scrapes (up == 0): ServiceDown",
  "<service> up               answer scrapes again",
  "<service> errors <ratio>   answer this share of requests with 500, e.g. 0.5",
  "<service> latency <secs>   make every request take this long, e.g. 3",
  "<service> reset            healthy again (up, no errors, 0.05 s)",
  "status                     every service's state, the firing alerts and each SLO's budget left",
  "reload                     apply the stack file as it is now (checked, then reloaded)",
  "help                       print these commands",
].join("\n");

export type Command = { kind: "status" } | { kind: "set"; service: string; change: Partial<ServiceState> };

export class ControlError extends Error {}

function number(word: string | undefined, what: string, max: number): number {
  const n = Number(word);
  if (word === undefined || word.trim() === "" || !Number.isFinite(n) || n < 0 || n > max) {
    throw new ControlError(`${what} must be a number from 0 to ${max}, got ${word === undefined ? "nothing" : JSON.stringify(word)}`);
  }
  return n;
}

/** Parses `status` or `<service> <verb> [value]` against the known service names. */
export function parseCommand(words: string[], services: readonly string[]): Command {
  const [first, verb, value, ...rest] = words.filter((w) => w !== "");
  if (first === "status" && verb === undefined) return { kind: "status" };
  if (first === undefined || !services.includes(first)) {
    throw new ControlError(`unknown service ${JSON.stringify(first ?? "")}; services: ${services.join(", ")}`);
  }
  const expectArgs = (n: number) => {
    const given = [value, ...rest].filter((w) => w !== undefined).length;
    if (given !== n) throw new ControlError(`${verb} takes ${n === 0 ? "no value" : "one value"}`);
  };
  switch (verb) {
    case "down":
      expectArgs(0);
      return { kind: "set", service: first, change: { up: false } };
    case "up":
      expectArgs(0);
      return { kind: "set", service: first, change: { up: true } };
    case "errors":
      expectArgs(1);
      return { kind: "set", service: first, change: { errorRatio: number(value, "the error ratio", 1) } };
    case "latency":
      expectArgs(1);
      return { kind: "set", service: first, change: { latencySeconds: number(value, "the latency in seconds", 60) } };
    case "reset":
      expectArgs(0);
      return { kind: "set", service: first, change: { ...HEALTHY } };
    default:
      throw new ControlError(`unknown command ${JSON.stringify(verb ?? "")}; commands:\n${CONTROL_HELP}`);
  }
}

/** Every demo service's state, one row each. */
export function statusTable(states: Record<string, ServiceState>): string {
  const rows = Object.entries(states).map(([name, s]) => [name, s.up ? "up" : "DOWN", `${Number((s.errorRatio * 100).toPrecision(4))}%`, `${s.latencySeconds}s`]);
  const all = [["SERVICE", "SCRAPES", "ERRORS", "LATENCY"], ...rows];
  const widths = all[0].map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all.map((r) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}
