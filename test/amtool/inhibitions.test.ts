// Inhibit rules, read from the rendered config: Alertmanager's own matcher parser (through
// amtool and a probe routing tree) decides which labels each source and target matcher takes;
// the `equal` labels decide the rest, as Alertmanager does: a source mutes a target when both
// match and every equal label has the same value (absent counts as empty), never itself.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { renderTo, settingsOf, tmpDir } from "../helpers/tools";
import { readConfig, receiversFor, type Labels } from "./amtool";

interface InhibitRule {
  source_matchers: string[];
  target_matchers: string[];
  equal: string[];
}

/** A config whose routes tell, for a label set, which rules' source and target matchers it meets. */
function probeConfig(rules: InhibitRule[]): string {
  const routes = rules.flatMap((r, i) => [
    { matchers: r.source_matchers, receiver: `source-${i}`, continue: true },
    { matchers: r.target_matchers, receiver: `target-${i}`, continue: true },
  ]);
  const receivers = [{ name: "none" }, ...rules.flatMap((_, i) => [{ name: `source-${i}` }, { name: `target-${i}` }])];
  const file = path.join(tmpDir("ananta-probe-"), "probe.yml");
  fs.writeFileSync(file, stringify({ route: { receiver: "none", routes }, receivers }));
  return file;
}

const down: Labels = { alertname: "ServiceDown", severity: "critical", category: "availability", plane: "app", service: "cns-service" };
const errors: Labels = { alertname: "HighErrorRate", severity: "warning", category: "errors", plane: "app", service: "cns-service", slo: "availability" };
const criticalErrors: Labels = { alertname: "CriticalErrorRate", severity: "critical", category: "errors", plane: "app", service: "cns-service", slo: "availability" };
const latency: Labels = { alertname: "HighLatency", severity: "critical", category: "latency", plane: "app", service: "cns-service", slo: "p99" };
// The burn-rate tiers of the default conditions, fastest first: two page tiers, two ticket tiers.
const fast: Labels = { alertname: "ErrorBudgetBurningFast", severity: "critical", category: "slo", plane: "app", service: "cns-service", slo: "availability", burn_tier: "1h" };
const fast6h: Labels = { ...fast, burn_tier: "6h" };
const slow: Labels = { alertname: "ErrorBudgetBurningSlow", severity: "warning", category: "slo", plane: "app", service: "cns-service", slo: "availability", burn_tier: "1d" };
const slow3d: Labels = { ...slow, burn_tier: "3d" };
const missing: Labels = { alertname: "SLOMetricMissing", severity: "warning", category: "slo", plane: "app", service: "cns-service", slo: "availability" };
const other = (a: Labels, changes: Labels): Labels => ({ ...a, ...changes });
const warningOf = (a: Labels): Labels => other(a, { severity: "warning" });

interface Intent {
  rule: string;
  /** Which rendered rule (by index) the intent is about. */
  index: number;
  /** [source, target] pairs this rule mutes. */
  muted: [Labels, Labels][];
  /** [source, target] pairs no rule may mute. */
  notMuted: [Labels, Labels][];
}

const INTENTS: Intent[] = [
  {
    rule: "a critical alert mutes the warning of the same alert and service",
    index: 0,
    muted: [[criticalErrors, warningOf(criticalErrors)], [down, warningOf(down)]],
    notMuted: [
      [down, other(down, { alertname: "ServiceFlapping", severity: "warning" })], // another alert name
      [criticalErrors, warningOf(other(criticalErrors, { service: "customer-portal-api" }))],
      [warningOf(down), down], // a warning never mutes a critical
    ],
  },
  {
    rule: "ServiceDown mutes the error-rate and latency alerts of that service",
    index: 1,
    muted: [[down, errors], [down, criticalErrors], [down, latency]],
    notMuted: [
      [down, other(errors, { service: "customer-portal-api" })],
      [down, fast], // SLO burn stays visible
      [other(down, { alertname: "TargetMissing", category: "monitoring" }), errors],
    ],
  },
  {
    rule: "CriticalErrorRate mutes HighErrorRate of the same service",
    index: 2,
    muted: [[criticalErrors, errors]],
    notMuted: [
      [criticalErrors, other(errors, { service: "customer-portal-api" })],
      [errors, criticalErrors],
    ],
  },
  {
    rule: "ErrorBudgetBurningFast mutes the threshold alerts on the same SLO's SLI",
    index: 3,
    muted: [[fast, criticalErrors], [fast, errors], [other(fast, { slo: "p99" }), latency]],
    notMuted: [
      [fast, latency], // another SLO of the service
      [other(fast, { slo: "p99" }), criticalErrors],
      [fast, other(criticalErrors, { service: "customer-portal-api" })],
      [criticalErrors, fast],
    ],
  },
  {
    rule: "ServiceDown mutes SLOMetricMissing of that service",
    index: 4,
    muted: [[down, missing], [down, other(missing, { slo: "p99" })]],
    notMuted: [
      [down, other(missing, { service: "customer-portal-api" })],
      [missing, down],
    ],
  },
  {
    rule: "the 1h burn tier mutes every slower tier of the same SLO",
    index: 5,
    muted: [[fast, fast6h], [fast, slow], [fast, slow3d]],
    notMuted: [
      [fast, other(fast6h, { slo: "p99" })],
      [fast, other(slow, { service: "customer-portal-api" })],
      [fast6h, fast], // a slower tier never mutes a faster one
      [slow3d, slow],
      [slow3d, fast],
    ],
  },
  {
    rule: "the 6h burn tier mutes the 1d and 3d tiers of the same SLO",
    index: 6,
    muted: [[fast6h, slow], [fast6h, slow3d]],
    notMuted: [[fast6h, other(slow3d, { slo: "p99" })]],
  },
  {
    rule: "the 1d burn tier mutes the 3d tier of the same SLO",
    index: 7,
    muted: [[slow, slow3d]],
    notMuted: [[slow, other(slow3d, { service: "customer-portal-api" })], [slow, fast6h]],
  },
];

describe("inhibit rules", () => {
  let rules: InhibitRule[];
  let probe: string;
  const meets = new Map<string, string[]>();
  const met = (labels: Labels): string[] => {
    const key = JSON.stringify(labels);
    if (!meets.has(key)) meets.set(key, receiversFor(probe, labels));
    return meets.get(key) as string[];
  };
  /** Whether the rendered rule i mutes target while source fires. */
  const mutes = (i: number, source: Labels, target: Labels): boolean =>
    source !== target &&
    met(source).includes(`source-${i}`) &&
    met(target).includes(`target-${i}`) &&
    rules[i].equal.every((l) => (source[l] ?? "") === (target[l] ?? ""));

  before(() => {
    rules = readConfig(renderTo(settingsOf("prod"))).inhibit_rules as InhibitRule[];
    probe = probeConfig(rules);
  });

  it("has exactly the intended rules", () => {
    assert.equal(rules.length, INTENTS.length);
  });

  it("is the same in every stack", () => {
    assert.deepEqual(readConfig(renderTo(settingsOf("dev"))).inhibit_rules, rules);
  });

  for (const intent of INTENTS) {
    describe(intent.rule, () => {
      it("mutes what it must", () => {
        for (const [s, t] of intent.muted) assert.ok(mutes(intent.index, s, t), `${s.alertname} should mute ${JSON.stringify(t)}`);
      });
      it("lets through what it must not mute, by any rule", () => {
        for (const [s, t] of intent.notMuted) {
          const by = rules.map((_, i) => i).filter((i) => mutes(i, s, t));
          assert.deepEqual(by, [], `${JSON.stringify(s)} mutes ${JSON.stringify(t)} through rule(s) ${by.join(", ")}`);
        }
      });
    });
  }
});
