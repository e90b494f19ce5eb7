// What every cross-key check reads and how it reports: the parsed settings, the raw config (for
// what was given as opposed to defaulted, and the secrets present), and helpers several concerns
// share (a plane that must exist, a team that must be reachable, a secret that must be set).
import { ProblemCode, SettingsProblem, setSecretCommand } from "../errors";
import { key } from "../keys";
import { PROJECT } from "../project";
import { RawSettings } from "../schema";
import { RawConfig } from "../types";

export interface CheckContext {
  s: RawSettings;
  raw: RawConfig;
  requireSecrets: boolean;
  problems: SettingsProblem[];
  problem(code: ProblemCode, path: PropertyKey[], value: unknown, message: string): void;
  /** A plane that must be one of settings.planes. */
  inPlanes(code: ProblemCode, path: PropertyKey[], plane: string): void;
  /** A team that must exist and be told: through Slack, e-mail, or either. */
  routedTo(code: ProblemCode, path: PropertyKey[], team: string, needs: "slack" | "email" | "receivers"): void;
  /** A secret that must be set (when secrets are required), unless a problem already names it. */
  need(secret: string, present: boolean, why: string): void;
  /** Whether a team can be told at all: it has a Slack channel or an e-mail. */
  hasReceivers(team: string): boolean;
  /** Whether the stack's own Alertmanager sends notifications (production mode, and no AMP). */
  alertmanagerSends: boolean;
}

export type Check = (c: CheckContext) => void;

export const list = (xs: readonly string[]): string => (xs.length > 0 ? xs.join(", ") : "(none)");

export function checkContext(s: RawSettings, raw: RawConfig, requireSecrets: boolean): CheckContext {
  const problems: SettingsProblem[] = [];
  const teams = s.notifications.teams;
  const teamIds = Object.keys(teams);
  const hasReceivers = (t: string) => Boolean(teams[t]?.slack || teams[t]?.email);
  const problem = (code: ProblemCode, path: PropertyKey[], value: unknown, message: string) => problems.push({ code, key: key(path), value, message });
  return {
    s,
    raw,
    requireSecrets,
    problems,
    problem,
    hasReceivers,
    alertmanagerSends: s.notifications.mode === "production" && !s.aws.amp.enabled,
    inPlanes: (code, path, plane) => {
      if (!s.planes.includes(plane)) problem(code, path, plane, `must be one of: ${list(s.planes)} (the planes setting)`);
    },
    routedTo: (code, path, team, needs) => {
      if (!(team in teams)) return problem(code, path, team, `is not a team of notifications.teams (teams: ${list(teamIds)})`);
      const ok = needs === "receivers" ? hasReceivers(team) : Boolean(teams[team][needs]);
      if (ok) return;
      problem(
        code,
        path,
        team,
        needs === "receivers"
          ? `must be a team with receivers, and ${team} has none: give notifications.teams.${team} a slack channel or an email`
          : `must be a team with ${needs === "slack" ? "a Slack channel" : "an e-mail"}, and ${team} has none: set notifications.teams.${team}.${needs === "slack" ? "slack.channel" : "email"}`,
      );
    },
    need: (secret, present, why) => {
      if (requireSecrets && !present && !problems.some((p) => p.key === `${PROJECT}:${secret}`)) {
        problems.push({ code: "missing-secret", key: `${PROJECT}:${secret}`, value: undefined, message: `is required ${why}; set it with: ${setSecretCommand(secret)}` });
      }
    },
  };
}
