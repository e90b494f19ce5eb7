// amtool on rendered Alertmanager configs: check-config, and which receivers a label set reaches.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { LABELS } from "../../monitoring/conventions";
import { FILES } from "../../monitoring/layout";
import { tool } from "../helpers/tools";

export type Labels = Record<string, string>;

export const configIn = (dir: string): string => path.join(dir, FILES.alertmanagerConfig);

/** The receivers a label set reaches, in tree order (amtool config routes test). */
export function receiversFor(configFile: string, labels: Labels): string[] {
  const args = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  const r = tool("amtool", ["config", "routes", "test", "--config.file", configFile, ...args]);
  if (r.code !== 0) throw new Error(`amtool config routes test ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r.stdout.trim().split(",").filter(Boolean);
}

/** amtool's own check that a label set reaches exactly these receivers, in this order. */
export function verifyReceivers(configFile: string, labels: Labels, expected: string[]): { ok: boolean; got: string } {
  const args = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  const r = tool("amtool", ["config", "routes", "test", "--config.file", configFile, `--verify.receivers=${expected.join(",")}`, ...args]);
  return { ok: r.code === 0, got: r.stdout.trim() };
}

/** The parsed alertmanager.yml of a rendered tree. */
export const readConfig = (dir: string): Record<string, unknown> => parseYaml(fs.readFileSync(configIn(dir), "utf8")) as Record<string, unknown>;

/** Receiver names the config declares. */
export const declaredReceivers = (dir: string): string[] => (readConfig(dir).receivers as { name: string }[]).map((r) => r.name);

export interface AlertRule {
  file: string;
  alert: string;
  labels: Labels;
}

/** Alert rules (name and static labels) of every rule file in a folder. */
export function alertRules(rulesDir: string): AlertRule[] {
  const files = fs.existsSync(rulesDir) ? fs.readdirSync(rulesDir).filter((f) => f.endsWith(".yml")) : [];
  return files.flatMap((file) => {
    const doc = parseYaml(fs.readFileSync(path.join(rulesDir, file), "utf8")) as { groups?: { rules?: { alert?: string; labels?: Labels }[] }[] };
    return (doc.groups ?? []).flatMap((g) =>
      (g.rules ?? []).filter((r) => r.alert).map((r) => ({ file, alert: r.alert as string, labels: { ...(r.labels ?? {}) } })),
    );
  });
}

/**
 * The label sets an alert of the rule can carry: its static labels (templated values are only
 * known at run time), and, when it sets no plane, those plus each service's scrape labels.
 */
export function labelSets(rule: AlertRule, services: { name: string; plane: string; team?: string }[]): Labels[] {
  const fixed = Object.fromEntries(Object.entries(rule.labels).filter(([, v]) => !String(v).includes("{{")));
  const base: Labels = { alertname: rule.alert, ...fixed };
  if (base[LABELS.plane]) return [base];
  return [base, ...services.map((s) => ({ [LABELS.service]: s.name, [LABELS.plane]: s.plane, ...(s.team ? { [LABELS.team]: s.team } : {}), ...base }))];
}
