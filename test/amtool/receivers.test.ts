// Receivers of each notifications mode, and secrets only as files under the mount point.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { alertmanagerConfig } from "../../monitoring/alertmanager/config";
import { alertmanagerSecretFiles, DOCKER_PEERS } from "../../monitoring/layout";
import { sentinelsIn } from "../helpers/sentinels";
import { renderTo, settingsOf, settingsWith } from "../helpers/tools";
import { readConfig } from "./amtool";
import { testRender } from "./stacks";

type Receiver = Record<string, unknown> & { name: string };
const receiversOf = (dir: string) => readConfig(dir).receivers as Receiver[];
const named = (dir: string, name: string) => receiversOf(dir).find((r) => r.name === name) as Receiver;

/** Every value under a key ending in _file, anywhere in the config. */
function fileFields(node: unknown, out: string[] = []): string[] {
  if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k.endsWith("_file") && typeof v === "string") out.push(v);
      else fileFields(v, out);
    }
  }
  return out;
}

const allFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));

describe("receivers", () => {
  describe("production (prod stack)", () => {
    const options = testRender();
    let dir: string;
    before(() => {
      dir = renderTo(settingsOf("prod"), options);
    });

    it("reads every secret from the secret files layout names, as absolute paths under secretsDir", () => {
      const expected = alertmanagerSecretFiles(settingsOf("prod")).map((f) => path.posix.join(options.secretsDir, f.file));
      assert.deepEqual([...new Set(fileFields(readConfig(dir)))].sort(), [...expected].sort());
    });

    it("writes no secret value and no inline secret field", () => {
      for (const file of allFiles(dir)) assert.deepEqual(sentinelsIn(fs.readFileSync(file, "utf8")), [], file);
      const text = fs.readFileSync(path.join(dir, "alertmanager/alertmanager.yml"), "utf8");
      assert.doesNotMatch(text, /^\s*(api_url|routing_key|service_key|auth_password|auth_secret):/m);
    });

    it("pages through PagerDuty, posts to each Slack channel and e-mails each team, resolved included", () => {
      assert.equal((named(dir, "pagerduty").pagerduty_configs as object[]).length, 1);
      const channels = receiversOf(dir).flatMap((r) => ((r.slack_configs ?? []) as { channel: string }[]).map((c) => c.channel));
      assert.deepEqual(channels, ["#critical-alerts", "#platform-alerts", "#slo-alerts", "#database-alerts", "#control-plane-alerts", "#app-plane-alerts", "#infrastructure-alerts"]);
      assert.deepEqual((named(dir, "email-app-plane").email_configs as { to: string }[]).map((c) => c.to), ["app-plane-team@ananta.io"]);
      const integrations = receiversOf(dir).flatMap((r) => Object.entries(r).filter(([k]) => k.endsWith("_configs")).flatMap(([, v]) => v as { send_resolved: boolean }[]));
      assert.ok(integrations.length >= 15 && integrations.every((c) => c.send_resolved === true));
    });

    it("points PagerDuty at notifications.pagerduty.url when set", () => {
      const url = "http://127.0.0.1:18080/v2/enqueue";
      const d = renderTo(settingsWith("prod", { notifications: { pagerduty: { enabled: true, url } } }), options);
      assert.equal((named(d, "pagerduty").pagerduty_configs as { url: string }[])[0].url, url);
      assert.equal((named(dir, "pagerduty").pagerduty_configs as { url?: string }[])[0].url, undefined);
    });

    it("keeps e-mail receivers when e-mail is off, notifying no one, so routing stays the same", () => {
      const d = renderTo(settingsWith("prod", { notifications: { email: { enabled: false } } }), options);
      assert.deepEqual(named(d, "email-app-plane"), { name: "email-app-plane" });
      assert.deepEqual(readConfig(d).route, readConfig(dir).route);
      assert.ok(!fileFields(readConfig(d)).some((f) => f.includes("smtp")));
    });

    it("gives a team only the receivers it has channels for, and names no secret file for what it lacks", () => {
      const teams = { ...settingsOf("prod").notifications.teams, database: { email: "database-team@ananta.io" } };
      const d = renderTo(settingsWith("prod", { notifications: { teams } }), options);
      assert.equal(named(d, "slack-database"), undefined);
      assert.ok(named(d, "email-database"));
      assert.ok(!fileFields(readConfig(d)).some((f) => f.includes("database")));
    });

    it("sends the Watchdog to notifications.watchdog.url, or nowhere when unset", () => {
      assert.deepEqual(named(dir, "watchdog"), { name: "watchdog" });
      const url = "https://hc-ping.example/ananta-prod";
      const d = renderTo(settingsWith("prod", { notifications: { watchdog: { url } } }), options);
      assert.deepEqual((named(d, "watchdog").webhook_configs as { url: string }[]).map((c) => c.url), [url]);
    });

    it("refuses a relative secrets folder", () => {
      assert.throws(() => alertmanagerConfig(settingsOf("prod"), { secretsDir: "secrets", peers: DOCKER_PEERS }), /secretsDir must be an absolute path.*"secrets"/);
    });
  });

  describe("local (dev stack)", () => {
    it("makes every receiver a webhook to <localWebhookUrl><receiver>, with no secret", () => {
      const settings = settingsOf("dev");
      const dir = renderTo(settings);
      const base = settings.notifications.localWebhookUrl;
      for (const r of receiversOf(dir)) {
        assert.deepEqual(r, { name: r.name, webhook_configs: [{ url: `${base}${r.name}`, send_resolved: true }] });
      }
      assert.deepEqual(fileFields(readConfig(dir)), []);
    });

    it("routes and inhibits exactly as production does", () => {
      const local = readConfig(renderTo(settingsWith("prod", { notifications: { mode: "local" } })));
      const production = readConfig(renderTo(settingsOf("prod")));
      assert.deepEqual(local.route, production.route);
      assert.deepEqual(local.inhibit_rules, production.inhibit_rules);
      assert.deepEqual((local.receivers as Receiver[]).map((r) => r.name), (production.receivers as Receiver[]).map((r) => r.name));
    });
  });
});
