import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { loadStackFile, noSecrets, parseSettings, readStackFile, SECRET_KEYS, SettingsError, settingsSchema } from "../../settings";
import { ROOT, stackFile } from "../helpers/pulumi-program";
import { tmpDir } from "../helpers/tools";

const writeStack = (config: Record<string, unknown>): string => {
  const file = path.join(tmpDir(), "Pulumi.test.yaml");
  fs.writeFileSync(file, JSON.stringify({ config }));
  return file;
};

const minimal = {
  "ananta-monitoring:environment": "test",
  "ananta-monitoring:services": [{ name: "cns-service", plane: "app" }],
  "ananta-monitoring:notifications": { teams: { ops: { slack: { channel: "#ops" } } }, routing: { defaultTeam: "ops" } },
};

describe("settings loader", () => {
  it("applies the reference's defaults", () => {
    const s = loadStackFile(writeStack(minimal));
    assert.equal(s.slo.periodDays, 30);
    assert.deepEqual(s.services[0].slo, {
      availability: { objective: 99.9, periodDays: 30 },
      latency: [
        { name: "p95", thresholdSeconds: 0.5, objective: 95, periodDays: 30, metric: "http_request_duration_seconds" },
        { name: "p99", thresholdSeconds: 2, objective: 99, periodDays: 30, metric: "http_request_duration_seconds" },
      ],
      events: [],
      timeslices: [],
    });
    assert.deepEqual(s.slo.alerting, {
      page: [
        { long: "1h", short: "5m", budgetPercent: 2 },
        { long: "6h", short: "30m", budgetPercent: 5 },
      ],
      ticket: [
        { long: "1d", short: "2h", budgetPercent: 10 },
        { long: "3d", short: "6h", budgetPercent: 10 },
      ],
      minEvents: 10,
    });
    assert.equal(s.services[0].job, "app-plane-cns-service");
    assert.equal(s.alertmanager.repeatInterval.critical, "1h");
    assert.equal(s.alertmanager.repeatInterval.warning, "6h");
    assert.equal(s.docker.bindAddress, "127.0.0.1");
    assert.deepEqual(s.planes, ["control", "app"]);
    assert.equal(s.aws.enabled, false);
    // Project data from Pulumi.yaml's defaults, as the Pulumi CLI applies them.
    assert.equal(s.namePrefix, "ananta");
    assert.equal(s.runbookBaseUrl, "https://github.com/ananta-platform/monitoring/blob/main/docs/runbooks");
  });

  it("lets a service override its SLOs and job", () => {
    const s = loadStackFile(
      writeStack({
        ...minimal,
        "ananta-monitoring:services": [{ name: "cns-service", plane: "app", job: "cns", slo: { availability: { objective: 99.5 } } }],
      }),
    );
    assert.equal(s.services[0].job, "cns");
    assert.deepEqual(s.services[0].slo.availability, { objective: 99.5, periodDays: 30 });
    assert.equal(s.services[0].slo.latency.length, 2, "latency SLOs stay the defaults");
  });

  it("gives each SLO its own period when it sets one, and the latency SLO its histogram", () => {
    const s = loadStackFile(
      writeStack({
        ...minimal,
        "ananta-monitoring:slo": { periodDays: 28 },
        "ananta-monitoring:services": [
          {
            name: "cns-service",
            plane: "app",
            slo: {
              availability: false,
              latency: [{ name: "get", thresholdSeconds: 0.25, objective: 99, periodDays: 7, metric: "grpc_server_handling_seconds", selector: 'grpc_method="Get"' }],
              events: [{ name: "grpc", objective: 99.9, errors: "sum(rate(e[{{window}}]))", total: "sum(rate(t[{{.window}}]))" }],
            },
          },
        ],
      }),
    );
    const slo = s.services[0].slo;
    assert.equal(slo.availability, false);
    assert.deepEqual([slo.latency[0].periodDays, slo.latency[0].metric], [7, "grpc_server_handling_seconds"]);
    assert.equal(slo.events[0].periodDays, 28);
  });

  it("returns a read-only object", () => {
    const s = loadStackFile(stackFile("prod"));
    assert.ok(Object.isFrozen(s) && Object.isFrozen(s.services[0]) && Object.isFrozen(s.docker.ports));
    assert.throws(() => {
      (s.docker.ports as { grafana: number }).grafana = 1;
    }, TypeError);
  });

  it("loads both committed stack files", () => {
    const dev = loadStackFile(stackFile("dev"));
    const prod = loadStackFile(stackFile("prod"));
    assert.equal(dev.aws.enabled, false);
    assert.equal(prod.aws.enabled, true);
    assert.equal(prod.awsRegion, "us-east-1");
    assert.ok(prod.services.some((s) => s.name === "cns-service" && s.plane === "app"));
    assert.deepEqual([prod.aws.rds.length, prod.aws.elasticache.length, prod.aws.ecs.services.length], [3, 1, 5]);
  });

  it("counts encrypted secrets as set and never reads their values", () => {
    const raw = readStackFile(
      writeStack({
        ...minimal,
        "ananta-monitoring:pagerdutyKey": { secure: "v1:abc" },
        "ananta-monitoring:slackWebhooks": { critical: { secure: "v1:def" }, slo: { secure: "v1:ghi" } },
      }),
    );
    assert.equal(raw.secrets.pagerdutyKey, true);
    assert.deepEqual(raw.secrets.slackWebhooks, ["critical", "slo"]);
    assert.deepEqual(raw.plaintextSecrets, []);
    assert.ok(!JSON.stringify(raw.values).includes("v1:"));
  });

  it("rejects a secret committed in plaintext, without echoing it", () => {
    const file = writeStack({ ...minimal, "ananta-monitoring:slackWebhooks": { critical: "https://hooks.slack.com/services/PLAINTEXT" } });
    assert.throws(() => loadStackFile(file), (e: unknown) => {
      assert.ok(e instanceof SettingsError);
      assert.match(e.message, /slackWebhooks\.critical = "\(hidden\)": is a secret written in plaintext; set it with: pulumi config set --secret --path slackWebhooks\.critical/);
      assert.ok(!e.message.includes("PLAINTEXT"));
      return true;
    });
  });

  it("gives every problem a code that says what it is about, so readers never parse messages", () => {
    const codes = (values: Record<string, unknown>, requireSecrets = false) => {
      try {
        parseSettings({ values: { ...readStackFile(stackFile("prod")).values, ...values }, secrets: noSecrets(), plaintextSecrets: ["smtpPassword"] }, "test", { requireSecrets });
      } catch (e) {
        assert.ok(e instanceof SettingsError);
        return Object.fromEntries(e.problems.map((p) => [p.key.replace(/^ananta-monitoring:/, ""), p.code]));
      }
      assert.fail("no problem found");
    };
    assert.deepEqual(codes({ planes: ["app", "infra"], pagerDutyKey: "x" }), { pagerDutyKey: "unknown-key", smtpPassword: "plaintext-secret" });
    assert.deepEqual(codes({ runbookBaseUrl: "https://x/{{ .Labels }}" }), { runbookBaseUrl: "template", smtpPassword: "plaintext-secret" });
    const cross = codes({ planes: ["app", "infra"], alerts: { highErrorRatio: 0.5, criticalErrorRatio: 0.1 } }, true);
    assert.equal(cross["planes[1]"], "planes");
    assert.equal(cross["alerts.criticalErrorRatio"], "alerts");
    assert.equal(cross.pagerdutyKey, "missing-secret");
  });

  it("checks required secrets only when asked", () => {
    assert.doesNotThrow(() => loadStackFile(stackFile("prod")));
    assert.throws(() => loadStackFile(stackFile("prod"), { requireSecrets: true }), /pagerdutyKey = \(not set\): is required/);
  });

  it("suggests the key a misspelt one stands for, at any depth", () => {
    const problems = (extra: Record<string, unknown>) => {
      try {
        loadStackFile(writeStack({ ...minimal, ...extra }));
      } catch (e) {
        return (e as SettingsError).message;
      }
      assert.fail("expected the stack file to be refused");
    };
    assert.match(problems({ "ananta-monitoring:alerts": { serviceDownFr: "1m" } }), /alerts\.serviceDownFr = "1m": is not a known setting \(did you mean ananta-monitoring:alerts\.serviceDownFor\?/);
    assert.match(problems({ "ananta-monitoring:slo": { periodDay: 28 } }), /did you mean ananta-monitoring:slo\.periodDays\?/);
    assert.match(
      problems({ "ananta-monitoring:services": [{ name: "cns-service", plane: "app", slo: { latency: [{ name: "p", thresholdSecond: 1, objective: 99 }] } }] }),
      /did you mean ananta-monitoring:services\[0\]\.slo\.latency\[0\]\.thresholdSeconds\?/,
    );
    // Nothing close: no guess.
    assert.doesNotMatch(problems({ "ananta-monitoring:alerts": { somethingElseEntirely: 1 } }), /did you mean/);
  });
});

describe("Pulumi.yaml", () => {
  const project = parseYaml(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
    name: string;
    config: Record<string, { type?: string; secret?: boolean; default?: unknown; description?: string }>;
  };
  const plainKeys = Object.keys(settingsSchema.shape);

  it("declares every key the program reads, and no other", () => {
    assert.equal(project.name, "ananta-monitoring");
    assert.deepEqual(Object.keys(project.config).sort(), [...plainKeys, ...SECRET_KEYS].sort());
    for (const [k, decl] of Object.entries(project.config)) assert.ok(decl.description, `${k} has no description`);
  });

  it("marks exactly the secret keys secret, without defaults", () => {
    for (const [k, decl] of Object.entries(project.config)) {
      assert.equal(decl.secret === true, (SECRET_KEYS as readonly string[]).includes(k), `${k}: secret flag`);
      if (decl.secret) assert.equal(decl.default, undefined, `${k}: a secret has no default`);
    }
  });

  it("states the schema's defaults, and gives valid project data where the schema has none", () => {
    const shape = settingsSchema.shape as Record<string, { safeParse: (v: unknown) => { success: boolean; data?: unknown } }>;
    const projectData: string[] = [];
    for (const [k, decl] of Object.entries(project.config)) {
      if (decl.default === undefined) continue;
      const schemaDefault = shape[k].safeParse(undefined);
      const given = shape[k].safeParse(decl.default);
      assert.ok(given.success, `${k}: the Pulumi.yaml default is not a valid value`);
      if (!schemaDefault.success) projectData.push(k);
      else assert.deepEqual(given.data, schemaDefault.data, `${k}: Pulumi.yaml default differs from settings/schema.ts`);
    }
    // What is particular to one organisation has no default in code.
    assert.deepEqual(projectData.sort(), ["namePrefix", "runbookBaseUrl"]);
  });
});
