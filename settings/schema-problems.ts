// Problems found before any cross-key check: zod's issues as settings problems (the key, the
// value, what is allowed, a likely key for a typo), and template delimiters where Prometheus and
// Alertmanager would run them.
import { z } from "zod";
import { SettingsProblem } from "./errors";
import { bareKey, key, valueAt } from "./keys";
import { instantiate } from "./promql";
import { settingsSchema } from "./schema";
import { suggestKey } from "./suggest";

type Issue = z.core.$ZodIssue;

/** Whether an option of a union failed only because the value is not of its kind (another type or literal). */
const notItsKind = (issues: Issue[]) => issues.every((i) => i.path.length === 0 && (i.code === "invalid_type" || i.code === "invalid_value"));

/**
 * A union's issue as the issues of the one option the value is of (`{severity}` rather than
 * `false`), so the problem names the key inside it; the union's own message when none or several.
 */
function unionIssues(issue: Issue): Issue[] {
  if (issue.code !== "invalid_union") return [issue];
  const candidates = issue.errors.filter((option) => !notItsKind(option));
  if (candidates.length !== 1) return [issue];
  return candidates[0].flatMap((inner) => unionIssues({ ...inner, path: [...issue.path, ...inner.path] } as Issue));
}

export function schemaProblems(values: Record<string, unknown>, error: z.ZodError): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  for (const issue of error.issues.flatMap(unionIssues)) {
    if (issue.code === "unrecognized_keys") {
      for (const k of issue.keys) {
        const path = [...issue.path, k];
        const meant = suggestKey(settingsSchema, issue.path, k);
        const hint = meant ? `did you mean ${key([...issue.path, meant])}? ` : "";
        problems.push({ code: "unknown-key", key: key(path), value: valueAt(values, path), message: `is not a known setting (${hint}see the configuration reference in README.md)` });
      }
      continue;
    }
    const value = valueAt(values, issue.path);
    const message = issue.code === "invalid_type" && value === undefined ? "is required" : issue.message;
    problems.push({ code: "schema", key: key(issue.path), value, message });
  }
  return problems;
}

/** The settings that may hold the one template placeholder of ours: an events SLI's `{{window}}`. */
const EVENTS_QUERY = /^services\[\d+\]\.slo\.events\[\d+\]\.(errors|total)$/;

/**
 * Every string setting holding a Go template delimiter: Prometheus and Alertmanager execute the
 * annotations, labels and messages these values reach (`{{ with query "..." }}` in a runbook URL
 * would run in every alert). Only an events query's `{{window}}` is a placeholder of ours.
 */
export function templateProblems(values: unknown, path: PropertyKey[] = []): SettingsProblem[] {
  if (typeof values === "string") {
    const bare = path.length > 0 && EVENTS_QUERY.test(bareKey(path)) ? instantiate(values, "") : values;
    return /\{\{|\}\}/.test(bare)
      ? [{ code: "template", key: key(path), value: values, message: "must not contain {{ or }}: Prometheus and Alertmanager would run it as a template in every alert it reaches" }]
      : [];
  }
  if (Array.isArray(values)) return values.flatMap((v, i) => templateProblems(v, [...path, i]));
  if (values !== null && typeof values === "object") return Object.entries(values).flatMap(([k, v]) => templateProblems(v, [...path, k]));
  return [];
}
