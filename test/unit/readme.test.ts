import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { SECRET_KEYS, settingsSchema } from "../../settings";
import { LOCAL_TIMING } from "../../local/local-settings";
import { channelsOfReceivers, notificationLine } from "../../local/receivers";
import { ROOT } from "../helpers/pulumi-program";
import { settingsOf } from "../helpers/tools";

/** How the README names the keys of each map-valued setting. */
const MAP_KEY: Record<string, string> = {
  "notifications.teams": "<team>",
  "notifications.routing.severities": "<severity>",
  "notifications.routing.categories": "<category>",
  "notifications.routing.planes": "<plane>",
  "aws.topics": "<topic>",
  "aws.tags": "<tag>",
};

/** Every setting's key path, e.g. docker.ports.grafana, services[].slo.latency[].name or notifications.teams.<team>.email. */
function keyPaths(schema: z.ZodType, prefix: string): string[] {
  const def = (schema as unknown as { def: { type: string; innerType?: z.ZodType; element?: z.ZodType; valueType?: z.ZodType; shape?: Record<string, z.ZodType>; options?: z.ZodType[] } }).def;
  switch (def.type) {
    case "union":
      // e.g. availability: false | {objective, periodDays}: the key itself and the object's keys.
      return [...new Set(def.options!.flatMap((o) => keyPaths(o, prefix)))];
    case "record":
      return keyPaths(def.valueType!, `${prefix}.${MAP_KEY[prefix] ?? (prefix.endsWith(".tiers") ? "<tier>" : "<key>")}`);
    case "default":
    case "prefault":
    case "optional":
      return keyPaths(def.innerType!, prefix);
    case "array":
      return keyPaths(def.element!, `${prefix}[]`);
    case "object":
      return Object.entries(def.shape!).flatMap(([k, v]) => keyPaths(v, prefix ? `${prefix}.${k}` : k));
    default:
      return [prefix];
  }
}

describe("README", () => {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const reference = readme.slice(readme.indexOf("## Configuration reference"));

  it("documents every setting and secret in the configuration reference", () => {
    const missing = [...keyPaths(settingsSchema, ""), ...SECRET_KEYS].filter((k) => !reference.includes(`\`${k}\``));
    assert.deepEqual(missing, [], "settings missing from the README's configuration reference");
  });

  it("documents no setting that does not exist", () => {
    const known = new Set([...keyPaths(settingsSchema, ""), ...SECRET_KEYS]);
    const rows = [...reference.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    assert.ok(rows.length > 0, "no table rows found");
    assert.deepEqual(rows.filter((k) => !known.has(k)), []);
  });

  it("states the schema's default of every setting that has one", () => {
    const defaults = settingsSchema.parse({ environment: "dev", namePrefix: "x", runbookBaseUrl: "https://e.example", services: [{ name: "svc", plane: "control" }] });
    const at = (key: string) => key.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), defaults);
    const wrong: string[] = [];
    for (const [, key, cell] of reference.matchAll(/^\| `([^`]+)` \| ([^|]*) \|/gm)) {
      // Per-item keys have no single default; Pulumi.yaml's project data is checked beside it.
      if (/[[<]/.test(key) || ["environment", "namePrefix", "runbookBaseUrl"].includes(key)) continue;
      const v = at(key);
      if (v === undefined || (typeof v === "object" && !Array.isArray(v))) continue;
      const shown = Array.isArray(v) ? `[${v.join(", ")}]` : String(v);
      if (!cell.includes(`\`${shown}\``)) wrong.push(`${key}: the schema's default is ${shown}, the README says ${cell.trim()}`);
    }
    assert.deepEqual(wrong, []);
  });

  it("names the commands that exist", () => {
    const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts);
    for (const m of readme.matchAll(/npm run ([a-z:-]+)/g)) assert.ok(scripts.includes(m[1]), `README names npm run ${m[1]}, which package.json lacks`);
  });

  it("gives commands that run as root without sudo (root machines have none), and says when sudo is needed", () => {
    const quickStart = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## Deploy"));
    assert.deepEqual([...quickStart.matchAll(/^sudo .*/gm)].map((m) => m[0]), [], "a quick-start command starts with sudo");
    assert.match(quickStart, /`apt-get` needs root: run it as root .* or prefix it with `sudo`/);
  });

  it("updates the package lists before installing (a fresh image has none)", () => {
    const quickStart = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## Deploy"));
    for (const m of quickStart.matchAll(/^.*apt-get install.*$/gm)) assert.match(m[0], /apt-get update && apt-get install/, m[0]);
  });

  it("shows the notification lines npm run local prints, on channels the dev stack has", () => {
    const local = readme.slice(readme.indexOf("## Local pipeline"), readme.indexOf("## Validate"));
    const block = /Every notification is printed with the channel it reached:\n\n```\n([\s\S]*?)\n```/.exec(local);
    assert.ok(block, "the sample block");
    const channels = Object.values(channelsOfReceivers(settingsOf("dev")));
    for (const line of block[1].split("\n")) {
      const m = /^(\d\d:\d\d:\d\d) {2}(FIRING {2}|RESOLVED) {2}(.{40}) {2}(.+)$/.exec(line);
      assert.ok(m, `not a printed line: ${line}`);
      const n = { status: m[2].trim() === "FIRING" ? ("firing" as const) : ("resolved" as const), channel: m[3].trim(), summary: m[4] };
      assert.equal(notificationLine(n, m[1]), line);
      assert.ok(channels.includes(n.channel), `${n.channel} is no channel of the dev stack (${channels.join(", ")})`);
    }
  });

  it("lists every key local mode replaces, with its value", () => {
    const local = readme.slice(readme.indexOf("## Local pipeline"), readme.indexOf("## Validate"));
    for (const [section, keys] of Object.entries(LOCAL_TIMING)) {
      for (const [k, v] of Object.entries(keys)) assert.ok(local.includes(`\`${section}.${k}\``) && local.includes(`(${v})`), `${section}.${k} (${v}) is not listed`);
    }
  });

  it("documents every flag of every command", () => {
    const flags: Record<string, string[]> = { validate: ["--config", "--tree"], local: ["--config", "--dir", "--ha"], "test-alert": ["--dir", "--url", "--password-file", "--minutes"], bench: ["--full"] };
    for (const [command, names] of Object.entries(flags)) {
      for (const f of names) assert.match(readme, new RegExp(`[\\s\`(\\[]${f}\\b`), `npm run ${command} ${f} is undocumented`);
    }
  });
});

describe("Pulumi.yaml descriptions", () => {
  const project = parseYaml(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { config: Record<string, { description: string }> };

  it("name every key of each setting, three levels down", () => {
    const missing: string[] = [];
    for (const [top, schema] of Object.entries(settingsSchema.shape)) {
      // e.g. slo.latency[].thresholdSeconds -> latency, thresholdSeconds; map keys (<team>) are no names.
      const names = keyPaths(schema as z.ZodType, top).flatMap((p) => p.split(".").slice(1, 4).map((k) => k.replace(/\[\]$/, "")).filter((k) => !k.startsWith("<")));
      const description = project.config[top].description;
      for (const name of new Set(names)) if (!new RegExp(`\\b${name}\\b`).test(description)) missing.push(`${top}: ${name}`);
    }
    assert.deepEqual(missing, []);
  });
});
