// The burn-rate factor of an alerting condition, in one place for the loader (which refuses a
// condition that could never fire), the rule generator and the SLO dashboard's thresholds: the
// share of the period's budget it allows to be spent within its long window, as a multiple of the
// rate that spends exactly the budget over the period.
import { durationSeconds } from "./duration";

const DAY = 86_400;

/** budgetPercent of the budget in `long`, against the whole budget in periodDays: 2% in 1h of 30 days is 14.4. */
export const burnFactor = (condition: { budgetPercent: number; long: string }, periodDays: number): number =>
  // Twelve digits: 14.4, not 14.399999999999999.
  Number(((((condition.budgetPercent / 100) * periodDays * DAY) / durationSeconds(condition.long))).toPrecision(12));
