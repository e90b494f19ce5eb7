// npm run import on the published examples of Sloth and OpenSLO: service names, SLO names,
// objectives and periods survive; the entries load as settings and render rules promtool
// accepts; what cannot be expressed is refused, naming it.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { sloRules } from "../../monitoring/slo";
import { ImportError, importSlos, Source } from "../../settings/import";
import { ROOT } from "../helpers/pulumi-program";
import { settingsWith, tmpDir, tool } from "../helpers/tools";

const FIXTURES = path.join(ROOT, "test/fixtures/slo-imports");
const read = (name: string) => fs.readFileSync(path.join(FIXTURES, name), "utf8");
const run = (source: Source, name: string, options = { plane: "app", periodDays: 30 }) => importSlos(source, read(name), name, options);
const entries = (yaml: string) => parse(yaml) as { name: string; plane: string; slo: { availability: boolean; events: { name: string; objective: number; periodDays?: number; period?: Record<string, unknown>; tiers?: Record<string, unknown>; errors: string; total: string }[] } }[];

/** The imported entries as the dev stack's services: they load, and their rules pass promtool. */
function loadsAndRenders(yaml: string): void {
  const services = entries(yaml);
  const settings = settingsWith("dev", { services });
  const file = path.join(tmpDir(), "slos.yml");
  fs.writeFileSync(file, sloRules(settings));
  const r = tool("promtool", ["check", "rules", file]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
}

describe("npm run import", () => {
  it("imports Sloth's getting-started spec: service, SLO name, objective, queries, Sloth's default period", () => {
    const yaml = run("sloth", "sloth-getting-started.yml");
    assert.deepEqual(entries(yaml), [
      {
        name: "myservice",
        plane: "app",
        slo: {
          availability: false,
          latency: [],
          events: [
            {
              name: "requests-availability",
              objective: 99.9,
              periodDays: 30,
              errors: 'sum(rate(http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}[{{.window}}]))',
              total: 'sum(rate(http_request_duration_seconds_count{job="myservice"}[{{.window}}]))',
            },
          ],
        },
      },
    ]);
    assert.match(yaml, /# Note: requests-availability: Sloth's alerting \(names, labels, annotations\) is not carried over/);
    loadsAndRenders(yaml);
    assert.equal(entries(run("sloth", "sloth-getting-started.yml", { plane: "app", periodDays: 28 }))[0].slo.events[0].periodDays, 28);
  });

  it("imports Sloth's Kubernetes form (PrometheusServiceLevel) as the same entries, noting the owner label", () => {
    const yaml = run("sloth", "sloth-k8s-getting-started.yml");
    assert.deepEqual(entries(yaml), entries(run("sloth", "sloth-getting-started.yml")));
    assert.match(yaml, /# Note: myservice: Sloth's owner label is "myteam"; set the service's team/);
    loadsAndRenders(yaml);
  });

  it("names what it got when a document is no Sloth spec", () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, "other.yml"), "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nspec: {}\n");
    assert.throws(() => importSlos("sloth", fs.readFileSync(path.join(dir, "other.yml"), "utf8"), "other.yml", { plane: "app", periodDays: 30 }), /other\.yml: not a Sloth spec \(.*got apiVersion "monitoring\.coreos\.com\/v1", kind "PrometheusRule"\)/);
  });

  it("keeps every SLO of a Sloth service in one entry (home-wifi)", () => {
    const yaml = run("sloth", "sloth-home-wifi.yml");
    const [wifi] = entries(yaml);
    assert.equal(wifi.name, "home-wifi");
    assert.deepEqual(wifi.slo.events.map((e) => [e.name, e.objective]), [["good-wifi-client-satisfaction", 95], ["risk-wifi-client-satisfaction", 95]]);
    loadsAndRenders(yaml);
  });

  it("imports OpenSLO v1alpha as Sloth reads it: ratio target as a percentage, 28-day window, errors = total - good", () => {
    const yaml = run("openslo", "openslo-v1alpha-sloth.yml");
    const [svc] = entries(yaml);
    assert.equal(svc.name, "my-service");
    const [e] = svc.slo.events;
    assert.deepEqual([e.name, e.objective, e.periodDays], ["sloth-slo-my-service", 99.9, 28]);
    assert.equal(
      e.errors,
      // Each side summed before subtracting: series only on the total side (the failures) count.
      'sum(sum(rate(http_request_duration_seconds_count{job="myservice"}[{{.window}}]))) - sum(sum(rate(http_request_duration_seconds_count{job="myservice",code!~"(5..|429)"}[{{.window}}])))',
    );
    loadsAndRenders(yaml);
  });

  it("imports OpenSLO v1 with a referenced SLI over raw counters, wrapping each counter in rate(...[{{window}}])", () => {
    const yaml = run("openslo", "openslo-v1-counter.yml");
    const [svc] = entries(yaml);
    assert.equal(svc.name, "search");
    assert.deepEqual(svc.slo.events, [
      {
        name: "search-availability",
        objective: 99.5,
        periodDays: 28,
        errors: 'sum(rate(http_requests_total{service="search",code=~"5.."}[{{window}}]))',
        total: 'sum(rate(http_requests_total{service="search"}[{{window}}]))',
      },
    ]);
    loadsAndRenders(yaml);
  });

  it("imports OpenSLO v1 alert policies as burn-rate tiers: each burnrate condition keeps its tier with its severity, the others are off", () => {
    const yaml = run("openslo", "openslo-v1-burn-tiers.yml");
    const [svc] = entries(yaml);
    assert.equal(svc.name, "checkout");
    assert.deepEqual(svc.slo.events[0].tiers, { "1h": { severity: "critical" }, "6h": { severity: "critical" }, "1d": false, "3d": { severity: "warning" } });
    // What is not carried over is said, not dropped.
    assert.match(yaml, /# Note: AlertPolicy "checkout-paging": notificationTargets are not carried over/);
    assert.doesNotMatch(yaml, /alertAfter/, "every alertAfter is its tier's short window");
    loadsAndRenders(yaml);
    const other = importSlos("openslo", read("openslo-v1-burn-tiers.yml").replace("alertAfter: 5m", "alertAfter: 2m"), "input.yml", { plane: "app", periodDays: 30 });
    assert.match(other, /# Note: AlertCondition "fast-burn": alertAfter "2m" is not carried over; tier 1h confirms a burn over its short window 5m/);
  });

  it("imports an OpenSLO v1 calendar window as a calendar period (the specification's example, in UTC from a Monday, counted by occurrences)", () => {
    const text = read("openslo-v1-web-availability.yml")
      .replace("Timeslices", "Occurrences")
      .replace("America/New_York", "UTC")
      .replace("2022-01-01 12:00:00", "2022-01-03 00:00:00")
      .replace(/ {6}timeSliceTarget.*\n {6}timeSliceWindow.*\n/, "");
    const yaml = importSlos("openslo", text, "input.yml", { plane: "app", periodDays: 30 });
    const [svc] = entries(yaml);
    assert.deepEqual(svc.slo.events[0].period, { calendar: "week", timeZone: "UTC" });
    assert.equal(svc.slo.events[0].periodDays, undefined);
    loadsAndRenders(yaml);
  });

  const tiers = read("openslo-v1-burn-tiers.yml");
  const refused: [string, Source, string, RegExp][] = [
    ["the specification's AlertPolicy (a burn rate at or below 2)", "openslo", read("openslo-v1-alert-policy-spec.yml"), /AlertCondition "cpu-usage-breach": spec\.condition\.op "lte" cannot be imported; a burn-rate tier fires when the burn rate is at or above its factor/],
    ["an alert condition that is no tier of the stack", "openslo", read("openslo-v1-alert-policy-spec.yml").replace("op: lte", "op: gte"), /AlertCondition "cpu-usage-breach": a burn rate of 2 over "1h" is no burn-rate tier of this stack; the tiers are 1h at 13\.44x, 6h at 5\.6x, 1d at 2\.8x, 3d at 0\.933333x for a 28-day period/],
    ["an alert condition that is not a burn rate", "openslo", tiers.replace("kind: burnrate\n    op: gte\n    threshold: 14.4", "kind: threshold\n    op: gte\n    threshold: 14.4"), /AlertCondition "fast-burn": spec\.condition\.kind "threshold" cannot be imported; only burnrate conditions/],
    ["an alert condition of a severity the stack has not", "openslo", tiers.replace("severity: ticket", "severity: sms"), /slow-burn.*spec\.severity "sms" cannot be imported/],
    ["a conditionRef naming nothing", "openslo", tiers.replace("conditionRef: fast-burn", "conditionRef: nothing"), /AlertPolicy "checkout-paging": conditions\[0\]: conditionRef "nothing" names no kind: AlertCondition document in the file/],
    ["a Sloth plugin", "sloth", read("sloth-plugin.yml"), /slos\[0\] \(http-availability\): sli\.plugin cannot be imported/],
    ["a Sloth raw error ratio", "sloth", 'version: prometheus/v1\nservice: s\nslos:\n  - name: r\n    objective: 99\n    sli:\n      raw:\n        error_ratio_query: sum(rate(e[{{.window}}])) / sum(rate(t[{{.window}}]))\n', /sli\.raw \(an error-ratio query\) cannot be imported/],
    ["OpenSLO time slices (the specification's web-availability)", "openslo", read("openslo-v1-web-availability.yml"), /budgetingMethod "Timeslices" cannot be imported/],
    ["an OpenSLO calendar window in a zone with daylight saving time (the specification's)", "openslo", read("openslo-v1-web-availability.yml").replace("Timeslices", "Occurrences"), /calendar\.timeZone "America\/New_York" must be UTC, a fixed offset or a zone without daylight saving time/],
    ["an OpenSLO calendar week not starting on a Monday", "openslo", read("openslo-v1-web-availability.yml").replace("Timeslices", "Occurrences").replace("America/New_York", "UTC"), /calendar\.startTime "2022-01-01 12:00:00" cannot be imported; a calendar week here starts at 00:00 on Monday/],
    ["an OpenSLO raw ratio", "openslo", read("openslo-v1-counter.yml").replace(/bad:[\s\S]*?total:/, "raw:\n      metricSource:\n        type: Prometheus\n        spec:\n          query: x\n    total:"), /ratioMetric\.raw \(a ratio computed elsewhere\) cannot be imported/],
    ["an OpenSLO threshold metric", "openslo", read("openslo-v1alpha-sloth.yml").replace(/- ratioMetrics:[\s\S]*?target/, "- thresholdMetric:\n        source: prometheus\n        query: x\n      target"), /a threshold metric cannot be imported/],
    ["a Sloth spec as OpenSLO", "openslo", read("sloth-getting-started.yml"), /no kind: SLO document/],
    ["a query that is not PromQL", "sloth", read("sloth-getting-started.yml").replace("[{{.window}}]))\n    alerting", "[{{.window}}])\n    alerting"), /myservice \/ SLO requests-availability, total: is not valid PromQL/],
    ["a service name that is not one", "sloth", read("sloth-getting-started.yml").replace('service: "myservice"', 'service: "My Service"'), /must be a service name/],
  ];
  for (const [what, source, text, message] of refused) {
    it(`refuses ${what}, naming it`, () => {
      assert.throws(() => importSlos(source, text, "input.yml", { plane: "app", periodDays: 30 }), (e: Error) => e instanceof ImportError && message.test(e.message));
    });
  }

  it("prints the entries, or one short error and exit code 1 (CLI)", () => {
    const cli = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "cli/import.ts"), ...args], { cwd: ROOT, encoding: "utf8" });
    const ok = cli("--from", "sloth", path.join(FIXTURES, "sloth-getting-started.yml"), "--plane", "app");
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(entries(ok.stdout)[0].name, "myservice");
    const bad = cli("--from", "openslo", path.join(FIXTURES, "openslo-v1-web-availability.yml"));
    assert.equal(bad.status, 1);
    assert.equal(bad.stderr.trim().split("\n").length, 1, bad.stderr);
    const usage = cli("--from", "nagios", "x.yml");
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /--from must be one of: sloth, openslo/);
  });

  it("survives hostile files: an alias bomb, a trailing ---, a 1 MB name (CLI: one short line, no stack trace)", () => {
    const dir = tmpDir();
    const cli = (file: string) => spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "cli/import.ts"), "--from", "sloth", file], { cwd: ROOT, encoding: "utf8" });
    const write = (name: string, text: string) => {
      fs.writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    const laughs = ["a: &a [x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(", ")}]`)].join("\n");
    const bomb = cli(write("bomb.yml", `${laughs}\n`));
    assert.equal(bomb.status, 1, bomb.stderr);
    assert.match(bomb.stderr, /bomb\.yml: cannot be read: .*alias/i);
    assert.doesNotMatch(bomb.stderr, /\n\s+at /);

    const trailing = cli(write("trailing.yml", `${fs.readFileSync(path.join(FIXTURES, "sloth-getting-started.yml"), "utf8")}\n---\n`));
    assert.equal(trailing.status, 0, trailing.stderr);
    assert.equal(entries(trailing.stdout)[0].name, "myservice");

    const huge = "n".repeat(1_000_000);
    const named = cli(write("huge.yml", `version: prometheus/v1\nservice: svc\nslos:\n  - name: ${huge}\n    objective: 99.9\n    sli: {plugin: {id: x}}\n`));
    assert.equal(named.status, 1);
    assert.ok(named.stderr.length < 1_000, `${named.stderr.length} characters of error`);
  });
});
