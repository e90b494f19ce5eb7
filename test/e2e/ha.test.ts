// HA end to end on loopback: the prod stack's routing with two real Prometheus replicas sending
// to three real Alertmanager peers that gossip over mutual TLS, every API behind basic auth over
// TLS with the stack's CA.
// Mid-incident, the peer that sent the first page and one replica are killed (SIGKILL): the
// next notifications still arrive, the resolves arrive, nothing is lost, and no receiver gets
// the same notification twice (at most one per kill).
import * as assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import * as path from "node:path";
import { LOCAL_TIMING } from "../../local/local-settings";
import { HA_TOPOLOGY, LocalPipeline } from "../../local/pipeline";
import { Notification, duplicatesOf } from "../../local/receivers";
import { durationSeconds } from "../../monitoring/duration";
import { ROOT, stackFile } from "../helpers/pulumi-program";
import { tmpDir } from "../helpers/tools";
import { apiFetch } from "../../tools/prometheus-api";
import { SELF_JOBS } from "../../monitoring/conventions";
import { healthcheck, serviceSpecs } from "../../monitoring/docker/services";

const CNS = "cns-service";
const TENANT = "tenant-management-service";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const settleMs = (durationSeconds(LOCAL_TIMING.alertmanager.groupWait) + durationSeconds(LOCAL_TIMING.alertmanager.groupInterval) + 2) * 1000;

describe("e2e: HA on loopback (2 prometheus replicas, 3 alertmanager peers over mutual TLS)", function () {
  this.timeout(150_000);
  let pipeline: LocalPipeline;
  let dir: string;
  /** Channels a critical alert of a plane reaches under the prod routing. */
  const channelsFor = (planeTeam: "appPlane" | "controlPlane") => {
    const t = pipeline.settings.notifications.teams;
    return ["pagerduty", `slack ${t.critical.slack!.channel}`, `email ${t.oncall.email}`, `slack ${t[planeTeam].slack!.channel}`, `email ${t[planeTeam].email}`];
  };
  const serviceDown = (service: string, status: Notification["status"]) => (n: Notification) => n.status === status && n.summary.includes("ServiceDown") && n.body.includes(service);
  const arrived = (ns: Notification[], service: string, status: Notification["status"], channels: string[]) => channels.every((c) => ns.some((n) => n.channel === c && serviceDown(service, status)(n)));
  /** Notifications each peer has sent, from its own counters. */
  const sentBy = async () =>
    Object.fromEntries(
      await Promise.all(
        pipeline.of("alertmanager").filter((i) => pipeline.process(i.name)).map(async (i) => {
          const text = await (await apiFetch(`${i.url}/metrics`, pipeline.access)).text();
          const sent = [...text.matchAll(/^alertmanager_notifications_total\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
          return [i.name, sent] as const;
        }),
      ),
    );

  before(async () => {
    dir = tmpDir("ananta-ha-");
    pipeline = await LocalPipeline.start({ stackFile: stackFile("prod"), dir, ha: true });
  });

  after(async () => {
    await pipeline?.stop();
  });

  it("forms one cluster of three peers over TLS, and serves every API over TLS only, to the credentials only", async () => {
    assert.deepEqual((await pipeline.cluster()).map((v) => [v.status, v.members]), HA_TOPOLOGY.alertmanager.map(() => ["ready", 3]));
    const { credentials, ca } = pipeline.access;
    for (const i of pipeline.instances) {
      const api = `${i.url}${i.service === "prometheus" ? "/api/v1/status/config" : "/api/v2/status"}`;
      assert.match(api, /^https:\/\//);
      const plain = await fetch(api.replace(/^https:/, "http:"), { headers: { authorization: `Basic ${Buffer.from(`${credentials!.user}:${credentials!.password}`).toString("base64")}` } });
      assert.equal(plain.status, 400, `${i.name} refuses plain http, credentials or not`);
      await assert.rejects(apiFetch(api, { credentials }), /fetch failed/, `${i.name}: a client without the stack's CA does not trust it`);
      assert.equal((await apiFetch(api, { ca })).status, 401, `${i.name} without credentials`);
      assert.equal((await apiFetch(api, { ca, credentials: { ...credentials!, password: "wrong" } })).status, 401, `${i.name} with a wrong password`);
      assert.equal((await apiFetch(api, pipeline.access)).status, 200, `${i.name} with them`);
    }
  });

  it("has the replicas scrape every replica and peer over TLS with the credentials", async () => {
    const query = `up{job=~"${SELF_JOBS.prometheus}|${SELF_JOBS.alertmanager}"}`;
    const expected = HA_TOPOLOGY.prometheus.length + HA_TOPOLOGY.alertmanager.length;
    for (const replica of pipeline.of("prometheus")) {
      let up: number[] = [];
      for (let tries = 0; tries < 60 && !(up.length === expected && up.every((v) => v === 1)); tries++) {
        if (tries > 0) await sleep(500);
        const body = (await (await apiFetch(`${replica.url}/api/v1/query?query=${encodeURIComponent(query)}`, pipeline.access)).json()) as { data: { result: { value: [number, string] }[] } };
        up = body.data.result.map((r) => Number(r.value[1]));
      }
      assert.deepEqual(up, new Array(expected).fill(1), `${replica.name}: up of every replica and peer`);
    }
  });

  it("runs the Docker health check of an API as a stranger: healthy on a 401 over TLS, without any credential", async () => {
    // Not spawnSync: the demo service answers (and is scraped) from this process's event loop.
    const sh = (command: string) => new Promise<number | null>((resolve) => execFile("sh", ["-c", command], { timeout: 20_000 }, (err) => resolve(err ? (typeof err.code === "number" ? err.code : -1) : 0)));
    const [prometheusSpec] = serviceSpecs(pipeline.settings);
    const replica = pipeline.of("prometheus")[0];
    const port = Number(replica.listen.split(":")[1]);
    const check = healthcheck({ ...prometheusSpec, port, apiAuth: true }).tests;
    assert.equal(check[0], "CMD-SHELL");
    assert.doesNotMatch(check[1], /password|authorization|secrets/i, "no credential, no secret file");
    assert.equal(await sh(check[1]), 0, "a TLS API that refuses strangers is healthy");
    const demo = Number(pipeline.demo.endpoints[0].target.split(":")[1]);
    assert.notEqual(await sh(healthcheck({ ...prometheusSpec, port: demo, apiAuth: true }).tests[1]), 0, "a plain http server is not");
  });

  it("keeps paging through a killed peer and a killed replica: nothing lost, resolves arrive, no duplicate", async () => {
    const start = pipeline.receivers.notifications.length;
    const baseline = await sentBy();
    const mine = () => pipeline.receivers.notifications.slice(start).filter((n) => n.channel !== "watchdog");
    const cnsChannels = channelsFor("appPlane");
    const tenantChannels = channelsFor("controlPlane");

    pipeline.demo.run([CNS, "down"]);
    await pipeline.receivers.waitFor("the first page", (all) => arrived(all.slice(start), CNS, "firing", cnsChannels), 60_000);
    await sleep(settleMs);
    const before = Object.fromEntries(Object.entries(await sentBy()).map(([peer, n]) => [peer, n - (baseline[peer] ?? 0)]));
    const first = Object.entries(before).sort(([, a], [, b]) => b - a)[0][0];
    assert.ok(before[first] >= cnsChannels.length, `one peer sent the first page: ${JSON.stringify(before)}`);
    assert.equal(Object.values(before).filter((n) => n > 0).length, 1, `only one peer sent it: ${JSON.stringify(before)}`);

    const killedAt = Date.now();
    const seenAtKill = mine().length;
    await pipeline.kill(first);
    await pipeline.kill("prometheus-a");

    // Mid-incident: a second service goes down; the surviving peers and replica must page for it.
    pipeline.demo.run([TENANT, "down"]);
    await pipeline.receivers.waitFor("a page after the kills", (all) => arrived(all.slice(start), TENANT, "firing", tenantChannels), 60_000);
    const firstAfter = mine()[seenAtKill];

    pipeline.demo.run([CNS, "up"]);
    pipeline.demo.run([TENANT, "up"]);
    await pipeline.receivers.waitFor("both resolves", (all) => arrived(all.slice(start), CNS, "resolved", cnsChannels) && arrived(all.slice(start), TENANT, "resolved", tenantChannels), 60_000);
    await sleep(settleMs);

    const got = mine();
    const expected = [
      ...cnsChannels.flatMap((c) => [[c, CNS, "firing"], [c, CNS, "resolved"]]),
      ...tenantChannels.flatMap((c) => [[c, TENANT, "firing"], [c, TENANT, "resolved"]]),
    ] as [string, string, Notification["status"]][];
    const lost = expected.filter(([c, s, status]) => !got.some((n) => n.channel === c && serviceDown(s, status)(n)));
    const duplicates = duplicatesOf(got);
    if (process.env.HA_DEBUG) {
      for (const n of got) console.log(`${((n.receivedAt - killedAt) / 1000).toFixed(1).padStart(6)}  ${n.channel.padEnd(32)} ${n.status.padEnd(9)} ${n.summary}`);
      console.log(JSON.stringify(await sentBy()));

    }
    console.log(
      `      HA figures: killed ${first} (sent ${before[first]}) and prometheus-a; deliveries ${got.length}, expected ${expected.length}, lost ${lost.length}, ` +
        `duplicates ${duplicates.length}; next notification ${((firstAfter.receivedAt - killedAt) / 1000).toFixed(1)} s after the kill (${firstAfter.channel} ${firstAfter.status} ${firstAfter.summary})`,
    );
    assert.deepEqual(lost, [], "nothing lost");
    assert.ok(duplicates.length <= 1, `at most one duplicate per killed peer: ${duplicates.map((n) => `${n.channel} ${n.status} ${n.summary}`).join("; ")}`);
    assert.equal(got.length, expected.length + duplicates.length, `exactly the expected deliveries: ${got.map((n) => `${n.channel} ${n.status} ${n.summary}`).join("; ")}`);

    // Started again, the peer rejoins the cluster and the replica answers.
    await pipeline.restart(first);
    await pipeline.restart("prometheus-a");
    await pipeline.waitForCluster(HA_TOPOLOGY.alertmanager.length, 60_000);
  });

  it("lets npm run test-alert find the HA pipeline and authenticate with its password and CA files", async () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "cli/test-alert.ts"), "--severity", "info", "--plane", "app", "--service", CNS, "--alertname", "HaTestAlert", "--dir", dir], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const alerts = (await (await apiFetch(`${pipeline.alertmanagerUrl}/api/v2/alerts?filter=alertname%3D%22HaTestAlert%22`, pipeline.access)).json()) as unknown[];
    assert.equal(alerts.length, 1);
  });
});
