// Every check across keys, one per concern, in the order their problems are listed.
import { SettingsProblem } from "../errors";
import { RawSettings } from "../schema";
import { RawConfig } from "../types";
import { aws } from "./aws";
import { Check, checkContext } from "./context";
import { ha } from "./ha";
import { maintenance } from "./maintenance";
import { planes } from "./planes";
import { routing } from "./routing";
import { secrets } from "./secrets";
import { services } from "./services";
import { slo } from "./slo";
import { thresholds } from "./thresholds";

const CHECKS: Check[] = [planes, services, slo, maintenance, routing, thresholds, secrets, ha, aws];

/** Problems across keys and against the secrets the stack has set. */
export function crossProblems(s: RawSettings, raw: RawConfig, requireSecrets: boolean): SettingsProblem[] {
  const context = checkContext(s, raw, requireSecrets);
  for (const check of CHECKS) check(context);
  // A default shared by many services is one problem, not one per service.
  return context.problems.filter((p, i) => context.problems.findIndex((q) => q.key === p.key && q.message === p.message) === i);
}
