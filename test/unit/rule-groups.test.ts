// Rule groups a distributed ruler takes (monitoring/rule-groups.ts): in every committed golden
// variant, no group over rules.maxRulesPerGroup (20), at most rules.maxGroups (70) per
// Prometheus, AMP namespaces under 1 MB with namespace and group names within 721 bytes, and
// every rule that reads a series of one SLO in the group that records it, after it. More
// services than the limits allow are refused at load, naming the key.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ruleFiles } from "../../monitoring/files";
import { sloRuleGroups } from "../../monitoring/slo";
import { sizedGroups } from "../../monitoring/rule-groups";
import { DEFAULT_PLANES, noSecrets, parseSettings, Settings, SettingsError } from "../../settings";
import { GOLDEN_DIR } from "../golden/snapshot";

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
}
interface Group {
  name: string;
  rules: Rule[];
}

const groupsOf = (file: string): Group[] => (parse(fs.readFileSync(file, "utf8")) as { groups: Group[] }).groups;
const yamlFiles = (dir: string): string[] =>
  fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile() && d.name.endsWith(".yml")).map((d) => path.join(d.parentPath, d.name)) : [];
/** Every Prometheus's rule folder in the golden variants (one per HA host). */
const ruleDirs = (): string[] =>
  fs.readdirSync(GOLDEN_DIR, { recursive: true, withFileTypes: true }).filter((d) => d.isDirectory() && d.name === "rules" && path.basename(d.parentPath) === "prometheus").map((d) => path.join(d.parentPath, d.name));

/** N services with default SLOs and nothing else. */
function services(n: number, rules: Record<string, unknown> = {}, own: (i: number) => object = () => ({})): Settings {
  return parseSettings(
    {
      values: {
        environment: "scale",
        namePrefix: "scale",
        runbookBaseUrl: "https://runbooks.example/",
        services: Array.from({ length: n }, (_, i) => ({ name: `svc-${i}`, plane: DEFAULT_PLANES[i % DEFAULT_PLANES.length], team: "ops", targets: [`svc-${i}:8080`], ...own(i) })),
        notifications: { teams: { ops: { slack: { channel: "#ops" } } }, routing: { defaultTeam: "ops" } },
        rules,
      },
      secrets: noSecrets(),
    },
    "scale test",
    { requireSecrets: false },
  );
}

describe("rule groups sized for distributed rulers", () => {
  const dirs = ruleDirs();

  it("finds the rule folders of every golden variant", () => {
    assert.ok(dirs.length >= 6, dirs.join(", "));
  });

  it("holds at most 20 rules in any group and at most 70 groups per Prometheus", () => {
    for (const dir of dirs) {
      const groups = yamlFiles(dir).flatMap(groupsOf);
      assert.ok(groups.length <= 70, `${dir}: ${groups.length} groups`);
      for (const g of groups) assert.ok(g.rules.length <= 20, `${dir} ${g.name}: ${g.rules.length} rules`);
      assert.equal(new Set(groups.map((g) => g.name)).size, groups.length, `${dir}: group names repeat`);
    }
  });

  // Alerts may read other groups' series (at their last evaluation); a recording rule built on another must see it in the same evaluation.
  it("keeps every recording rule that reads one SLO's recorded series in the group that records it, after it", () => {
    for (const dir of dirs) {
      for (const file of yamlFiles(dir)) {
        const groups = groupsOf(file);
        const recorded = groups.flatMap((g, gi) => g.rules.map((r, ri) => ({ r, gi, ri })).filter(({ r }) => r.record && r.labels?.slo));
        let reads = 0;
        groups.forEach((g, gi) =>
          g.rules.forEach((r, ri) => {
            if (!r.record) return;
            // Every selector of a recorded series of one SLO: by its service, or by the services its shared rules cover.
            for (const [, name, matchers] of r.expr.matchAll(/([a-z_]+:[a-z_:0-9]+)\{([^}]*)\}/g)) {
              const slo = /slo="([^"]+)"/.exec(matchers)?.[1];
              const service = /service="([^"]+)"/.exec(matchers)?.[1];
              const services = /service=~"([^"]+)"/.exec(matchers)?.[1];
              if (!slo) continue;
              const source = recorded.find(({ r: q }) => q.record === name && q.labels!.slo === slo && (service ? q.labels!.service === service : services !== undefined && q.expr.includes(services)));
              assert.ok(source, `${file}: ${r.record} in ${g.name} reads ${name}{${matchers}}, which no rule records`);
              reads++;
              assert.ok(source.gi === gi && source.ri < ri, `${file}: ${r.record} in ${g.name} reads ${name}{${matchers}}, recorded in ${groups[source.gi].name} at ${source.ri}`);
            }
          }),
        );
        if (file.endsWith("slos.yml")) assert.ok(reads > 0, `${file}: no chained rule found, the check checks nothing`);
      }
    }
  });

  it("cuts AMP's namespaces under 1 MB, with namespace and group names within 721 bytes", () => {
    const namespaces = yamlFiles(path.join(GOLDEN_DIR, "prod-amp", "amp", "namespaces"));
    assert.ok(namespaces.length > 0);
    for (const file of namespaces) {
      assert.ok(fs.statSync(file).size < 1_000_000, file);
      for (const g of groupsOf(file)) assert.ok(Buffer.byteLength(path.basename(file, ".yml") + g.name) <= 721, `${file} ${g.name}`);
    }
  });

  it("cuts a group into numbered parts, never inside a run, and refuses a run longer than a group", () => {
    const run = (s: string, n: number): Rule[] => Array.from({ length: n }, (_, i) => ({ record: `r${i}`, expr: "1", labels: { service: s, slo: "availability" } }));
    const alone: Rule = { record: "plane:x", expr: "1" };
    const parts = sizedGroups([{ name: "g", runs: [run("a", 3), run("b", 3), [alone], run("c", 2)] }], 5);
    assert.deepEqual(
      parts.map((p) => [p.name, p.rules.map((r) => r.labels?.service ?? "plane")]),
      [
        ["g-1", ["a", "a", "a"]],
        ["g-2", ["b", "b", "b", "plane"]],
        ["g-3", ["c", "c"]],
      ],
    );
    assert.deepEqual(sizedGroups([{ name: "g", runs: [run("a", 3)] }], 3), [{ name: "g", rules: run("a", 3) }], "a group that fits keeps its name");
    assert.throws(() => sizedGroups([{ name: "g", runs: [run("a", 6)] }], 5), (e: unknown) => e instanceof SettingsError && /rules\.maxRulesPerGroup = 5: must be at least 6/.test(e.message));
  });

  it("keeps the SLO rules the same size however many services share their settings; one with settings of its own adds its own SLO's", () => {
    const count = (s: Settings) => sloRuleGroups(s).reduce((n, g) => n + g.rules.length, 0);
    const shared = count(services(3));
    assert.equal(count(services(300, { maxGroups: 1000 })), shared);
    // An objective of its own: the availability SLO's rules once more (fast, history and alerts), nothing else.
    const oneOwn = count(services(300, { maxGroups: 1000 }, (i) => (i === 7 ? { slo: { availability: { objective: 99.5 } } } : {})));
    const availabilityOnly = count(services(3, {}, () => ({ slo: { latency: [] } })));
    const planes = DEFAULT_PLANES.length * 3 + 4; // plane roll-ups and budget-policy alerts, written once
    assert.equal(oneOwn - shared, availabilityOnly - planes);
  });

  it("keeps every rule file the same size however many services share their settings, the service alerts included", () => {
    const files = (s: Settings) => Object.entries(ruleFiles(s)).map(([file, text]) => [file, groupsOfText(text).reduce((n, g) => n + g.rules.length, 0)]);
    assert.deepEqual(files(services(300, { maxGroups: 1000 })), files(services(3)));
  });

  it("refuses at load the rules of 200 services with objectives of their own under the default 70 groups, naming the key, the count and what allows it", () => {
    const own = (i: number) => ({ slo: { availability: { objective: 99 + i / 1000 } } });
    assert.throws(
      () => ruleFiles(services(200, {}, own)),
      (e: unknown) => e instanceof SettingsError && /ananta-monitoring:rules\.maxGroups = 70: must be at least (\d+) if the engine takes that many groups \(Mimir: -ruler\.max-rule-groups-per-tenant\): the rules need \1 groups of at most 20 rules \(slos: \d+, critical: \d+, warnings: \d+\)/.test(e.message),
    );
    const files = ruleFiles(services(200, { maxGroups: 1000 }, own));
    assert.ok(Object.values(files).every((text) => groupsOfText(text).every((g) => g.rules.length <= 20)));
  });
});

const groupsOfText = (text: string): Group[] => (parse(text) as { groups: Group[] }).groups;
