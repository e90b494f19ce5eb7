// The error budget policy as a deploy decision (npm run gate): from each SLO's budget left, go,
// freeze (a normal change waits while any budget is under the freeze level) or stop (no change
// while any budget is under the stop level). Pure: the command reads the numbers and exits.
import { SLO_SERIES } from "../monitoring/conventions";
import { selector } from "../monitoring/promql";

export const GATE_EXIT = { go: 0, freeze: 1, stop: 2, unknown: 3 } as const;
export type Change = "normal" | "critical";
export const CHANGES: readonly Change[] = ["normal", "critical"];

export interface Budget {
  slo: string;
  /** Share of the period's budget left: 1 untouched, 0 spent, below 0 overspent. */
  remaining: number;
}

export interface Policy {
  /** Percent of budget left under which normal changes wait. */
  freeze: number;
  /** Percent of budget left under which no change goes out. */
  stop: number;
}

export interface Decision {
  code: (typeof GATE_EXIT)[keyof typeof GATE_EXIT];
  verdict: keyof typeof GATE_EXIT;
  /** One line per SLO saying why, then the verdict. */
  lines: string[];
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The series the gate reads: the documented budget series of one service. */
export const budgetQuery = (service: string): string => selector(SLO_SERIES.budgetRemaining, { service });

export function decide(service: string, budgets: Budget[], policy: Policy, change: Change): Decision {
  const lines = budgets
    .slice()
    .sort((a, b) => a.slo.localeCompare(b.slo))
    .map((b) => {
      const left = b.remaining * 100;
      const state = left < policy.stop ? `under the stop level (${policy.stop}%): no change goes out` : left < policy.freeze ? `under the freeze level (${policy.freeze}%): only critical changes` : "within policy";
      return `${service} ${b.slo}: ${pct(b.remaining)} of its error budget left, ${state}`;
    });
  const lowest = Math.min(...budgets.map((b) => b.remaining * 100));
  const verdict: Decision["verdict"] = lowest < policy.stop ? "stop" : lowest < policy.freeze && change === "normal" ? "freeze" : "go";
  const say = {
    go: `GO: a ${change} change to ${service} may deploy`,
    freeze: `FREEZE: ${service} is under its freeze level; only critical changes deploy (--change critical)`,
    stop: `STOP: ${service} is under its stop level; no change deploys until the budget recovers`,
    unknown: "",
  }[verdict];
  return { code: GATE_EXIT[verdict], verdict, lines: [...lines, say] };
}
