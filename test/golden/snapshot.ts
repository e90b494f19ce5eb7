// Everything the program renders for four stack variants (dev, prod, prod on three HA hosts, prod
// with AMP), as one map of golden-file path → content: each host's file tree, AMP's rule
// namespaces and Alertmanager definition, the container specs, and the registered resources with
// secrets redacted. test/golden/golden.test.ts compares it with the committed copies;
// `npm run golden` rewrites them, so a generator change shows as a readable diff.
import { createHash } from "node:crypto";
import { toYaml } from "../../monitoring/yaml";
import { CONFIGURED } from "../../monitoring/layout";
import { hostTrees, ruleFiles } from "../../monitoring/files";
import { ampAlertmanager, ampAlertmanagerDefinition, offlineTopicArns } from "../../monitoring/amp/alertmanager";
import { ruleNamespaces } from "../../monitoring/amp/rule-namespaces";
import { monitoringStackPlan } from "../../monitoring/docker/plan";
import { parseSettings, readStackFile, Settings } from "../../settings";
import { PROD_SECRETS, ProgramOptions, isWrappedSecret, resourceTreeOf, stackFile } from "../helpers/pulumi-program";

export const GOLDEN_DIR = __dirname;

/** Three hosts on private addresses, as an HA deployment names them. */
const HA_HOSTS = [
  { name: "a", host: "ssh://ops@mon-a.internal", address: "10.0.0.1" },
  { name: "b", host: "ssh://ops@mon-b.internal", address: "10.0.0.2" },
  { name: "c", host: "ssh://ops@mon-c.internal", address: "10.0.0.3" },
];

interface Variant {
  stack: string;
  /** Top-level settings replacing the stack file's, for the generators and the program alike (as Pulumi config would). */
  overrides: Record<string, unknown>;
  program: ProgramOptions;
}

const prodValues = () => readStackFile(stackFile("prod")).values as Record<string, Record<string, unknown>>;

export function variants(): Record<string, Variant> {
  const prod = prodValues();
  const { host: _host, bindAddress: _bind, ...docker } = prod.docker;
  const ha = { docker: { ...docker, hosts: HA_HOSTS } };
  const amp = { aws: { ...prod.aws, amp: { enabled: true } } };
  return {
    dev: { stack: "dev", overrides: {}, program: {} },
    prod: { stack: "prod", overrides: {}, program: { secrets: PROD_SECRETS } },
    "prod-ha": { stack: "prod", overrides: ha, program: { secrets: PROD_SECRETS, config: ha } },
    "prod-amp": { stack: "prod", overrides: amp, program: { secrets: PROD_SECRETS, config: amp } },
  };
}


/** Long strings (uploaded files, scripts) as a digest and size: their content has golden files of its own. */
const LONG = 160;
function redact(value: unknown): unknown {
  if (isWrappedSecret(value)) return "[secret]";
  if (typeof value === "string" && value.length > LONG) return `sha256:${createHash("sha256").update(value).digest("hex").slice(0, 16)} (${value.length} bytes)`;
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v)]));
  return value;
}

function generated(settings: Settings): Record<string, string> {
  const out: Record<string, string> = {};
  const trees = hostTrees(settings);
  for (const [host, tree] of Object.entries(trees)) {
    const root = host === "" ? "files" : `files/${host}`;
    for (const [file, content] of Object.entries(tree)) out[`${root}/${file}`] = content;
  }
  // What MonitoringStack is given: each host's containers and their sync steps.
  const containers = Object.fromEntries(
    monitoringStackPlan(settings).hosts.map(({ host: h, services: specs, syncs: byService }) => {
      const syncs = CONFIGURED.flatMap((c) => byService[c] ?? []);
      // The scripts as files of their own (a change reads as a diff of shell), named in the spec.
      const script = (service: string, step: "stage" | "reload", command: string[]) => {
        const file = `sync/${h.name || "default"}/${service}.${step}.sh`;
        out[file] = command.join("\n");
        return [`<${file}>`];
      };
      const sync = syncs.map((s) => ({
        ...s,
        stage: { ...s.stage, command: script(s.service, "stage", s.stage.command) },
        reload: { ...s.reload, command: script(s.service, "reload", s.reload.command) },
      }));
      return [h.name || "default", { services: specs, sync }];
    }),
  );
  out["containers.yml"] = toYaml(containers);
  if (settings.aws.amp.enabled) {
    for (const ns of ruleNamespaces(ruleFiles(settings))) out[`amp/namespaces/${ns.name}.yml`] = ns.data;
    out["amp/alertmanager-definition.yml"] = ampAlertmanagerDefinition(ampAlertmanager(settings, offlineTopicArns(settings), settings.awsRegion!));
  }
  return out;
}

/** Golden path (relative to GOLDEN_DIR) → content, for every variant. */
export async function goldenFiles(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(variants())) {
    const raw = readStackFile(stackFile(v.stack));
    const settings = parseSettings({ ...raw, values: { ...raw.values, ...v.overrides } }, `${name} (golden variant)`, { requireSecrets: false });
    for (const [file, content] of Object.entries(generated(settings))) out[`${name}/${file}`] = content;
    const resources = await resourceTreeOf(v.stack, v.program);
    const ordered = [...resources].sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
    out[`${name}/resources.yml`] = toYaml(ordered.map((r) => ({ type: r.type, name: r.name, ...(r.parent ? { parent: r.parent } : {}), inputs: redact(r.inputs) })));
  }
  return out;
}
