// The HA stack's own alerts under real promtool: a replica down, a peer down, a peer missing
// from the cluster, and delivery failing to every peer; each fires with its labels and stays
// silent when the redundancy is whole. One peer down must never page.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { RULE_FILES } from "../../monitoring/conventions";
import { FILES } from "../../monitoring/layout";
import { renderTo, settingsWith, tool } from "../helpers/tools";

const HOSTS = [
  { name: "a", host: "ssh://ops@mon-a.internal", address: "10.0.0.1" },
  { name: "b", host: "ssh://ops@mon-b.internal", address: "10.0.0.2" },
  { name: "c", host: "ssh://ops@mon-c.internal", address: "10.0.0.3" },
];
const RULES = [RULE_FILES.critical, RULE_FILES.warnings].map((f) => FILES.rule(f));
const PEERS = HOSTS.map((h) => `${h.address}:9093`);
const REPLICAS = HOSTS.map((h) => `${h.address}:9090`);
const up = (job: string, instance: string, values: string) => ({ series: `up{job="${job}",instance="${instance}"}`, values });
const members = (instance: string, values: string) => ({ series: `alertmanager_cluster_members{job="alertmanager",instance="${instance}"}`, values });
const runbook = (alert: string) => `https://github.com/ananta-platform/monitoring/blob/main/docs/runbooks/${alert}.md`;
const infra = (service: string) => ({ plane: "infra", service, category: "monitoring" });

interface Case {
  name: string;
  alert: string;
  series: { series: string; values: string }[];
  at: string;
  expect: { exp_labels: Record<string, string>; exp_annotations: Record<string, string> }[];
}

const ANNOTATIONS = {
  PrometheusReplicaDown: (instance: string) => ({
    summary: "A Prometheus replica is down",
    description: `The replica at ${instance} has not answered scrapes for 5m: the others still evaluate every rule, but the stack runs without its redundancy.`,
    runbook_url: runbook("PrometheusReplicaDown"),
  }),
  AlertmanagerPeerDown: (instance: string) => ({
    summary: "An Alertmanager peer is down or refuses Prometheus",
    description: `The peer at ${instance} has not answered scrapes for 5m (down, or refusing the API credentials): the other peers still send notifications.`,
    runbook_url: runbook("AlertmanagerPeerDown"),
  }),
  AlertmanagerClusterMemberMissing: (instance: string, members: number) => ({
    summary: "An Alertmanager peer is missing from the cluster",
    description: `${instance} sees ${members} cluster members, fewer than the configured peers, for 5m: a peer is down or gossip between peers is cut (each side then notifies on its own, so notifications repeat).`,
    runbook_url: runbook("AlertmanagerClusterMemberMissing"),
  }),
  PrometheusNotificationsFailing: (instance: string) => ({
    summary: "Prometheus cannot deliver alerts to any Alertmanager peer",
    description: `At least 100% of alert batches from ${instance} failed to every Alertmanager peer in the last 5m (threshold 1%).`,
    runbook_url: runbook("PrometheusNotificationsFailing"),
  }),
};

const allUp = [...REPLICAS.map((r) => up("prometheus", r, "1x20")), ...PEERS.map((p) => up("alertmanager", p, "1x20"))];
const notifications = (alertmanager: string, errors: string) => [
  { series: `prometheus_notifications_errors_total{job="prometheus",instance="${REPLICAS[0]}",alertmanager="http://${alertmanager}/api/v2/alerts"}`, values: errors },
  { series: `prometheus_notifications_sent_total{job="prometheus",instance="${REPLICAS[0]}",alertmanager="http://${alertmanager}/api/v2/alerts"}`, values: "0+60x20" },
];

const CASES: Case[] = [
  {
    name: "a replica down for 5m",
    alert: "PrometheusReplicaDown",
    series: [up("prometheus", REPLICAS[0], "1x20"), up("prometheus", REPLICAS[1], "1 0x20"), up("prometheus", REPLICAS[2], "1x20")],
    at: "10m",
    expect: [
      {
        exp_labels: { alertname: "PrometheusReplicaDown", job: "prometheus", instance: REPLICAS[1], ...infra("prometheus"), severity: "warning" },
        exp_annotations: ANNOTATIONS.PrometheusReplicaDown(REPLICAS[1]),
      },
    ],
  },
  { name: "every replica up", alert: "PrometheusReplicaDown", series: allUp, at: "10m", expect: [] },
  { name: "a replica down for less than 5m", alert: "PrometheusReplicaDown", series: [up("prometheus", REPLICAS[1], "1x6 0x3")], at: "9m", expect: [] },
  {
    name: "a peer down",
    alert: "AlertmanagerPeerDown",
    series: [up("alertmanager", PEERS[0], "1 0x20"), up("alertmanager", PEERS[1], "1x20"), up("alertmanager", PEERS[2], "1x20")],
    at: "10m",
    expect: [{ exp_labels: { alertname: "AlertmanagerPeerDown", job: "alertmanager", instance: PEERS[0], ...infra("alertmanager"), severity: "warning" }, exp_annotations: ANNOTATIONS.AlertmanagerPeerDown(PEERS[0]) }],
  },
  { name: "every peer up", alert: "AlertmanagerPeerDown", series: allUp, at: "10m", expect: [] },
  // A peer killed: the two left see two members of three configured.
  {
    name: "the survivors of a killed peer",
    alert: "AlertmanagerClusterMemberMissing",
    series: [up("alertmanager", PEERS[0], "1 0x20"), up("alertmanager", PEERS[1], "1x20"), up("alertmanager", PEERS[2], "1x20"), members(PEERS[1], "3 2x20"), members(PEERS[2], "3 2x20")],
    at: "10m",
    expect: [PEERS[1], PEERS[2]].map((instance) => ({
      exp_labels: { alertname: "AlertmanagerClusterMemberMissing", job: "alertmanager", instance, ...infra("alertmanager"), severity: "warning" },
      exp_annotations: ANNOTATIONS.AlertmanagerClusterMemberMissing(instance, 2),
    })),
  },
  // Gossip cut while every peer runs: each sees only itself.
  {
    name: "a split cluster with every peer up",
    alert: "AlertmanagerClusterMemberMissing",
    series: [...PEERS.map((p) => up("alertmanager", p, "1x20")), ...PEERS.map((p) => members(p, "3 1x20"))],
    at: "10m",
    expect: PEERS.map((instance) => ({
      exp_labels: { alertname: "AlertmanagerClusterMemberMissing", job: "alertmanager", instance, ...infra("alertmanager"), severity: "warning" },
      exp_annotations: ANNOTATIONS.AlertmanagerClusterMemberMissing(instance, 1),
    })),
  },
  { name: "a whole cluster", alert: "AlertmanagerClusterMemberMissing", series: [...PEERS.map((p) => up("alertmanager", p, "1x20")), ...PEERS.map((p) => members(p, "3x20"))], at: "10m", expect: [] },
  {
    name: "delivery failing to every peer",
    alert: "PrometheusNotificationsFailing",
    series: PEERS.flatMap((p) => notifications(p, "0+60x20")),
    at: "10m",
    expect: [
      {
        exp_labels: { alertname: "PrometheusNotificationsFailing", job: "prometheus", instance: REPLICAS[0], ...infra("prometheus"), severity: "critical" },
        exp_annotations: ANNOTATIONS.PrometheusNotificationsFailing(REPLICAS[0]),
      },
    ],
  },
  // One peer down is a warning (AlertmanagerPeerDown), never a page.
  { name: "delivery failing to one peer of three", alert: "PrometheusNotificationsFailing", series: [...notifications(PEERS[0], "0+60x20"), ...notifications(PEERS[1], "0x20"), ...notifications(PEERS[2], "0x20")], at: "10m", expect: [] },
  { name: "one peer down", alert: "ServiceDown", series: [...allUp.filter((s) => !s.series.includes(PEERS[0])), up("alertmanager", PEERS[0], "1 0x20")], at: "10m", expect: [] },
];

describe("HA alerts under promtool (prod stack with three docker.hosts)", () => {
  let dir: string;
  before(() => {
    dir = renderTo(settingsWith("prod", { docker: { host: undefined, bindAddress: undefined, hosts: HOSTS } }));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("are lint-clean and each has a runbook", () => {
    const r = tool("promtool", ["check", "rules", "--lint=all", "--lint-fatal", ...RULES.map((f) => path.join(dir, f))]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const rules = RULES.flatMap((f) => (parse(fs.readFileSync(path.join(dir, f), "utf8")) as { groups: { rules: { alert?: string }[] }[] }).groups.flatMap((g) => g.rules));
    for (const alert of ["PrometheusReplicaDown", "AlertmanagerPeerDown", "AlertmanagerClusterMemberMissing"]) {
      assert.ok(rules.some((r) => r.alert === alert), `${alert} is rendered`);
      assert.ok(fs.existsSync(path.join(__dirname, "../../docs/runbooks", `${alert}.md`)), `${alert} has a runbook`);
    }
  });

  it("fire with their labels when the redundancy is broken, and stay silent when it is whole (promtool test rules)", () => {
    const tests = CASES.map((c) => ({
      name: `${c.alert}: ${c.name}`,
      interval: "1m",
      input_series: c.series,
      alert_rule_test: [{ eval_time: c.at, alertname: c.alert, exp_alerts: c.expect.map((e) => ({ ...e, exp_labels: Object.fromEntries(Object.entries(e.exp_labels).filter(([k]) => k !== "alertname")) })) }],
    }));
    const file = path.join(dir, "ha.test.yml");
    fs.writeFileSync(file, stringify({ rule_files: RULES.map((f) => path.join(dir, f)), evaluation_interval: "1m", tests }, { lineWidth: 0 }));
    const r = tool("promtool", ["test", "rules", file]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
});
