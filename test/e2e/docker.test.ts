// The Docker side on a real engine: the containers the program registers for the dev stack
// (under Pulumi's mocks) applied by test/docker/harness.ts with stand-in images built from
// Debian's packages (test/docker/images.ts). Grafana and cAdvisor have no stand-in and are left
// out; the prod stack with AWS off is applied last. The stack comes up healthy, pages through the containers when a demo target in its own
// container goes down, keeps its containers through a configuration change, refuses a broken rule
// at the sync step while the running configuration keeps evaluating, and keeps its data through an
// image change. Nothing of the test's is left on the engine.
import * as assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { freePorts } from "../../local/ports";
import { LOCAL_TIMING } from "../../local/local-settings";
import { renderFiles } from "../../monitoring/files";
import { loadStackFile, readStackFile } from "../../settings";
import type { Registered, Secrets } from "../helpers/pulumi-program";
import { PROD_SECRETS, runProgram, stackFile } from "../helpers/pulumi-program";
import { settingsWith, tmpDir } from "../helpers/tools";
import { docker, engine, inspect, removeStale } from "../docker/engine";
import { ContainerResult, Harness } from "../docker/harness";
import { buildStandIns, standIn } from "../docker/images";

const RUN = `t${process.pid}`;
const NETWORK = "ananta-dev-network";
const DEMO = `ananta-demo-${RUN}`;
const SERVICE = "demo-service";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Received {
  receiver: string;
  at: number;
  body: { status: string; alerts: { labels: Record<string, string>; status: string }[] };
  raw: string;
}

/** Polls until `check` returns a value, or fails after timeoutMs saying what it waited for. */
async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(500);
  }
}

describe("Docker stack on a real engine (dev stack, stand-in images, test/docker/harness.ts)", function () {
  this.timeout(300_000);
  const harness = new Harness({ runId: RUN, skip: (r) => /grafana|cadvisor/.test(r.name), healthInterval: "1s" });
  const received: Received[] = [];
  let receiver: http.Server;
  let ports: { prometheus: number; alertmanager: number; grafana: number; alertmanagerCluster: number };
  let config: Record<string, unknown>;
  let first: ContainerResult[];
  let prometheus: string;
  let alertmanager: string;
  const figures: Record<string, number | string> = {};

  const json = async <T>(url: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    return (await res.json()) as T;
  };
  const program = async (overrides: Record<string, unknown> = {}, secrets?: Secrets): Promise<Registered[]> => (await runProgram("dev", { config: { ...config, ...overrides }, secrets })).resources;
  const byName = (results: ContainerResult[], suffix: string) => results.find((r) => r.name === `ananta-dev-${suffix}`)!;
  const pages = (status: string) => received.filter((r) => r.receiver.includes("pagerduty") && r.body.alerts.some((a) => a.labels.alertname === "ServiceDown" && a.labels.service === SERVICE && a.status === status));

  before(async function () {
    const e = await engine();
    if (!e.ok) throw new Error(`no Docker engine answers (${e.why}): .ci/run starts dockerd; by hand: dockerd -H unix:///var/run/docker.sock &`);
    await removeStale();
    await buildStandIns(tmpDir("ananta-standins-"));
    const [p, a, g, c, r] = await freePorts(5);
    ports = { prometheus: p, alertmanager: a, grafana: g, alertmanagerCluster: c };
    // The local webhook sink, on the default bridge's gateway: what host.docker.internal names from a container.
    const gateway = (await inspect<{ IPAM: { Config: { Gateway: string }[] } }>("bridge")).IPAM.Config[0].Gateway;
    receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        received.push({ receiver: (req.url ?? "").replace(/^\//, ""), at: Date.now(), body: JSON.parse(body), raw: body });
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(r, gateway, resolve));
    const base = loadStackFile(stackFile("dev"));
    config = {
      services: [{ name: SERVICE, plane: "app", team: "appPlane", targets: ["demo:8080"] }],
      notifications: { ...(base.notifications as object), localWebhookUrl: `http://host.docker.internal:${(receiver.address() as AddressInfo).port}/` },
      docker: {
        host: "unix:///var/run/docker.sock",
        bindAddress: "127.0.0.1",
        ports,
        images: { prometheus: standIn("prometheus"), alertmanager: standIn("alertmanager"), nodeExporter: standIn("nodeExporter"), curl: standIn("curl"), grafana: "grafana/grafana:12.1.1", cadvisor: "gcr.io/cadvisor/cadvisor:v0.52.1" },
        exporters: { nodeExporter: true, cadvisor: false },
        retention: { time: "31d" },
        ...LOCAL_TIMING.docker,
      },
      alerts: LOCAL_TIMING.alerts,
      alertmanager: { groupWait: LOCAL_TIMING.alertmanager.groupWait, groupInterval: LOCAL_TIMING.alertmanager.groupInterval },
    };
    // The demo target, in its own container on the stack's network (made here so it is up before Prometheus).
    await docker(["network", "create", "--label", `ananta.test=${RUN}`, NETWORK]);
    await docker(["run", "-d", "--name", DEMO, "--label", `ananta.test=${RUN}`, "--network", NETWORK, "--network-alias", "demo", standIn("busybox"), "sh", "-c",
      "mkdir -p /www && printf 'http_requests_total{code=\"200\"} 1\\n' > /www/metrics && exec httpd -f -p 8080 -h /www"]);
    prometheus = `http://127.0.0.1:${ports.prometheus}`;
    alertmanager = `http://127.0.0.1:${ports.alertmanager}`;
    const started = Date.now();
    first = await harness.apply(await program());
    figures.secondsToHealthy = Math.round((Date.now() - started) / 100) / 10;
  });

  after(async function () {
    console.log(`      figures: ${JSON.stringify(figures)}`);
    await docker(["rm", "--force", DEMO], { allowFailure: true });
    await harness.destroy();
    await docker(["network", "rm", NETWORK], { allowFailure: true });
    const images = (await docker(["images", "--filter", "label=ananta.test=standin", "--format", "{{.Repository}}:{{.Tag}}"], { allowFailure: true })).stdout.split("\n").filter(Boolean);
    if (images.length > 0) await docker(["rmi", "--force", ...images], { allowFailure: true });
    await new Promise((r) => receiver?.close(r));
  });

  it("comes up: every long-running container healthy, each sync step made its files live, every rule group loaded and evaluating", async () => {
    for (const role of ["prometheus", "alertmanager", "node-exporter"]) {
      const s = await inspect<{ State: { Health: { Status: string } } }>(byName(first, role).id);
      assert.equal(s.State.Health.Status, "healthy", role);
    }
    for (const step of ["prometheus-sync", "alertmanager-sync", "prometheus-reload", "alertmanager-reload"]) assert.equal(byName(first, step).exitCode, 0, `${step}: ${byName(first, step).logs}`);
    assert.match(byName(first, "prometheus-reload").logs!, /prometheus: (reloaded|not running yet; it reads) v/);
    const expected = Object.keys(renderFiles(settingsWith("dev", config))).filter((f) => f.startsWith("prometheus/rules/")).length;
    // A group first runs at an offset within its interval: the ones of a minute or less have run by now.
    const groups = await until("every rule group of a minute or less evaluating", 90_000, async () => {
      const g = (await json<{ data: { groups: { name: string; file: string; interval: number; lastEvaluation: string }[] } }>(`${prometheus}/api/v1/rules`)).data.groups;
      return g.filter((x) => x.interval <= 60).every((x) => !x.lastEvaluation.startsWith("0001")) ? g : undefined;
    });
    assert.equal(new Set(groups.map((g) => g.file)).size, expected, "every generated rule file loaded");
    figures.ruleGroups = groups.length;
    assert.equal((await fetch(`${alertmanager}/-/ready`)).status, 200);
  });

  it("pages through the containers when the demo target goes down, and resolves when it returns", async () => {
    const stopped = Date.now();
    await docker(["stop", "--time", "1", DEMO]);
    const page = await until("the ServiceDown page", 60_000, async () => pages("firing")[0]);
    figures.secondsToFirstPage = Math.round((page.at - stopped) / 100) / 10;
    // for (5 s) + group wait (2 s) + 30 s.
    assert.ok(page.at - stopped < (5 + 2 + 30) * 1000, `${figures.secondsToFirstPage} s`);
    await docker(["start", DEMO]);
    await until("the resolve", 60_000, async () => pages("resolved")[0]);
  });

  it("applies a threshold and a route change through the sync containers alone: same containers, same alert, same silence", async () => {
    const ids = { prometheus: byName(first, "prometheus").id, alertmanager: byName(first, "alertmanager").id };
    const startedAt = async (id: string) => (await inspect<{ State: { StartedAt: string } }>(id)).State.StartedAt;
    const before = { prometheus: await startedAt(ids.prometheus), alertmanager: await startedAt(ids.alertmanager) };
    const watchdog = async () => (await json<{ data: { alerts: { labels: Record<string, string>; activeAt: string }[] } }>(`${prometheus}/api/v1/alerts`)).data.alerts.find((a) => a.labels.alertname === "Watchdog")?.activeAt;
    const activeAt = await until("the Watchdog firing", 30_000, watchdog);
    const silence = await json<{ silenceID: string }>(`${alertmanager}/api/v2/silences`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ matchers: [{ name: "alertname", value: "DockerTestSilenced", isRegex: false }], startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString(), createdBy: "docker.test", comment: "held across a reload" }),
    });
    const changed = await harness.apply(await program({ alerts: { ...LOCAL_TIMING.alerts, highErrorRatio: 0.02 }, alertmanager: { groupWait: "3s", groupInterval: LOCAL_TIMING.alertmanager.groupInterval } }));
    const touched = changed.filter((r) => r.action !== "kept").map((r) => r.name.replace("ananta-dev-", "")).sort();
    assert.deepEqual(touched, ["alertmanager-reload", "alertmanager-sync", "prometheus-reload", "prometheus-sync"]);
    assert.equal(byName(changed, "prometheus").id, ids.prometheus);
    assert.equal(byName(changed, "alertmanager").id, ids.alertmanager);
    assert.deepEqual({ prometheus: await startedAt(ids.prometheus), alertmanager: await startedAt(ids.alertmanager) }, before, "not restarted");
    assert.match(byName(changed, "prometheus-reload").logs!, /^prometheus: reloaded v/m);
    assert.match(byName(changed, "alertmanager-reload").logs!, /^alertmanager: reloaded v/m);
    assert.equal(await watchdog(), activeAt, "a firing alert keeps its activeAt");
    const config = await json<{ config: { original: string } }>(`${alertmanager}/api/v2/status`);
    assert.match(config.config.original, /group_wait: 3s/, "the new route is live");
    const silences = await json<{ id: string; status: { state: string } }[]>(`${alertmanager}/api/v2/silences`);
    assert.equal(silences.find((s) => s.id === silence.silenceID)?.status.state, "active");
    figures.containerIdsKept = `${ids.prometheus.slice(0, 12)} ${ids.alertmanager.slice(0, 12)}`;
  });

  it("refuses a broken rule at the sync step with promtool's message; the running rules keep evaluating", async () => {
    const resources = await program();
    const stage = resources.find((r) => r.name === "ananta-dev-prometheus-sync")!;
    const uploads = stage.inputs.uploads as { file: string; content: string }[];
    const rule = uploads.find((u) => u.file.includes("/rules/"))!;
    // A generator bug, as the file would carry it: an expression promtool cannot parse.
    const broken = { ...stage, inputs: { ...stage.inputs, uploads: uploads.map((u) => (u === rule ? { ...u, content: u.content.replace(/expr: .*/, "expr: sum(rate(broken[5m])") } : u)) } };
    const evaluated = async () => (await json<{ data: { groups: { lastEvaluation: string }[] } }>(`${prometheus}/api/v1/rules`)).data.groups.map((g) => g.lastEvaluation).sort().at(-1);
    const results = await harness.apply(resources.map((r) => (r === stage ? broken : r)));
    const sync = byName(results, "prometheus-sync");
    assert.equal(sync.exitCode, 1);
    assert.match(sync.logs!, /FAILED|parse error/);
    assert.match(sync.logs!, /prometheus: refused the new configuration; the running one is unchanged/);
    const last = await evaluated();
    await until("an evaluation after the refusal", 20_000, async () => ((await evaluated())! > last! ? true : undefined));
    // Back to the good files.
    assert.equal(byName(await harness.apply(resources), "prometheus-sync").exitCode, 0);
  });

  it("rotates the PagerDuty key and a Slack webhook into the running Alertmanager: 0400 files of its user, in no inspect or log", async () => {
    const base = `http://host.docker.internal:${(receiver.address() as AddressInfo).port}`;
    const prod = readStackFile(stackFile("prod")).values.notifications as Record<string, unknown>;
    const notifications = { ...prod, email: { enabled: false }, pagerduty: { enabled: true, url: `${base}/pagerduty` } };
    const slackTeams = Object.entries(prod.teams as Record<string, { slack?: unknown }>).filter(([, t]) => t.slack).map(([id]) => id);
    const secrets = (v: number): Secrets => ({
      pagerdutyKey: `docker-test-pd-key-${v}-${RUN}`,
      slackWebhooks: Object.fromEntries(slackTeams.map((id) => [id, `${base}/slack/${id}?token=docker-test-slack-${v}-${RUN}`])),
    });
    const secretValues = (v: number) => [secrets(v).pagerdutyKey!, ...Object.values(secrets(v).slackWebhooks!).map((u) => u.split("token=")[1])];
    const am = () => byNameLatest("alertmanager");
    let latest: ContainerResult[] = await harness.apply(await program({ notifications }, secrets(1)));
    const byNameLatest = (suffix: string) => byName(latest, suffix);
    assert.equal(byNameLatest("alertmanager-sync").exitCode, 0, byNameLatest("alertmanager-sync").logs);
    const amId = am().id;
    const outage = async (status: "firing" | "resolved") => {
      const from = received.length;
      await docker([status === "firing" ? "stop" : "start", ...(status === "firing" ? ["--time", "1"] : []), DEMO]);
      return until(`a ${status} page`, 60_000, async () => received.slice(from).find((r) => r.receiver.startsWith("pagerduty") && r.raw.includes(status === "firing" ? "trigger" : "resolve")));
    };
    const page1 = await outage("firing");
    assert.ok(page1.raw.includes(secrets(1).pagerdutyKey!), "the first key pages");
    latest = await harness.apply(await program({ notifications }, secrets(2)));
    assert.deepEqual(latest.filter((r) => r.action !== "kept").map((r) => r.name.replace("ananta-dev-", "")).sort(), ["alertmanager-reload", "alertmanager-sync"]);
    assert.equal(am().id, amId, "Alertmanager was not restarted");
    const from = received.length;
    const resolve = await outage("resolved");
    assert.ok(resolve.raw.includes(secrets(2).pagerdutyKey!), "the rotated key resolves");
    await until("Slack on the rotated webhook", 30_000, async () => received.slice(from).find((r) => r.receiver.includes("docker-test-slack-2")));
    assert.ok(!received.slice(from).some((r) => r.receiver.includes("docker-test-slack-1")), "nothing on the old webhook after the rotation");
    const files = (await docker(["exec", amId, "sh", "-c", "stat -L -c '%a %u %n' /etc/alertmanager/current/secrets/*"])).stdout.trim().split("\n");
    assert.ok(files.length >= 2 && files.every((f) => f.startsWith("400 65534 ")), files.join("\n"));
    const ours = (await docker(["ps", "--all", "--quiet", "--filter", `label=ananta.test=${RUN}`])).stdout.split("\n").filter(Boolean);
    const inspected = (await docker(["inspect", ...ours])).stdout;
    const logs = (await Promise.all(ours.map(async (id) => { const l = await docker(["logs", id], { allowFailure: true }); return l.stdout + l.stderr; }))).join("\n");
    for (const secret of [...secretValues(1), ...secretValues(2)]) {
      assert.ok(!inspected.includes(secret), `docker inspect shows ${secret}`);
      assert.ok(!logs.includes(secret), `a container log shows ${secret}`);
    }
    figures.secretFiles = files.length;
    // Back to local receivers for the next test.
    latest = await harness.apply(await program());
    assert.equal(byName(latest, "alertmanager-sync").exitCode, 0);
  });

  it("replaces a container on an image change and keeps its data: TSDB series and silences survive a graceful stop", async () => {
    await docker(["tag", standIn("prometheus"), standIn("prometheus", "2")]);
    await docker(["tag", standIn("alertmanager"), standIn("alertmanager", "2")]);
    const oldest = async () => Number((await json<{ data: { result: { value: [number, string] }[] } }>(`${prometheus}/api/v1/query?query=${encodeURIComponent('min_over_time(timestamp(up{job="prometheus"})[1h:1s])')}`)).data.result[0]?.value[1]);
    const since = await oldest();
    const silences = async () => (await json<{ status: { state: string } }[]>(`${alertmanager}/api/v2/silences`)).filter((s) => s.status.state === "active").length;
    const held = await silences();
    assert.ok(held >= 1);
    const images = { ...(config.docker as { images: object }).images, prometheus: standIn("prometheus", "2"), alertmanager: standIn("alertmanager", "2") };
    const results = await harness.apply(await program({ docker: { ...(config.docker as object), images } }));
    assert.deepEqual(results.filter((r) => r.action === "replaced" && !/sync|reload/.test(r.name)).map((r) => r.name).sort(), ["ananta-dev-alertmanager", "ananta-dev-prometheus"]);
    await until("Prometheus ready again", 60_000, async () => ((await fetch(`${prometheus}/-/ready`)).ok ? true : undefined));
    assert.ok((await oldest()) <= since, "the series from before the replacement are still there");
    assert.equal(await silences(), held, "the silences survived");
  });

  it("brings up the prod stack with AWS off too: its own containers healthy, its production receivers' files in place", async () => {
    const [prometheusPort, alertmanagerPort, grafanaPort, clusterPort] = await freePorts(4);
    const prodPorts = { prometheus: prometheusPort, alertmanager: alertmanagerPort, grafana: grafanaPort, alertmanagerCluster: clusterPort };
    const prod = readStackFile(stackFile("prod")).values;
    const resources = (
      await runProgram("prod", {
        secrets: PROD_SECRETS,
        config: { aws: { ...(prod.aws as object), enabled: false }, docker: { ...(config.docker as object), ports: prodPorts, exporters: { nodeExporter: false, cadvisor: false } } },
      })
    ).resources;
    const results = await harness.apply(resources);
    for (const role of ["prometheus", "alertmanager"]) {
      const c = results.find((r) => r.name === `ananta-prod-${role}`)!;
      assert.equal((await inspect<{ State: { Health: { Status: string } } }>(c.id)).State.Health.Status, "healthy", role);
      for (const step of ["sync", "reload"]) {
        const one = results.find((r) => r.name === `ananta-prod-${role}-${step}`)!;
        assert.equal(one.exitCode, 0, `${role} ${step}: ${one.logs}`);
      }
    }
    const am = results.find((r) => r.name === "ananta-prod-alertmanager")!;
    const files = (await docker(["exec", am.id, "sh", "-c", "ls /etc/alertmanager/current/secrets"])).stdout.split("\n").filter(Boolean).sort();
    assert.ok(files.includes("pagerduty_routing_key") && files.includes("smtp_password") && files.some((f) => f.startsWith("slack_")), files.join(" "));
    assert.equal(results.filter((r) => r.name.startsWith("ananta-dev-")).length, 0, "the dev stack's containers are gone from this registration");
  });
});
