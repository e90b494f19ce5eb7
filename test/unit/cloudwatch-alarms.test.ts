import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { FORWARDERS } from "../../lambdas/contract";
import { AlarmSpec, forwarderAlarms, inventoryAlarms } from "../../monitoring/cloudwatch/alarms";
import { forwarderNames, forwarderTopics, healthTopic, slackTeams } from "../../monitoring/cloudwatch/forwarders";
import { SettingsError } from "../../settings";
import { ROOT } from "../helpers/pulumi-program";
import { settingsOf, settingsWith } from "../helpers/tools";

const settings = (aws?: Record<string, unknown>) => (aws ? settingsWith("prod", { aws }) : settingsOf("prod"));
const byName = (alarms: AlarmSpec[]) => new Map(alarms.map((a) => [a.alarm.name, a]));
const RUNBOOK_BASE = "https://github.com/ananta-platform/monitoring/blob/main/docs/runbooks";

describe("CloudWatch alarm generator", () => {
  const prod = settings();
  const alarms = inventoryAlarms(prod);

  it("makes the reference's 22 alarms for the prod inventory: 3 per database and cache, 2 per ECS service", () => {
    assert.equal(prod.aws.rds.length * 3 + prod.aws.elasticache.length * 3 + prod.aws.ecs.services.length * 2, 22);
    assert.equal(alarms.length, 22);
    assert.equal(new Set(alarms.map((a) => a.alarm.name)).size, 22, "alarm names are unique");
  });

  it("names, measures and routes each kind of alarm (table)", () => {
    const t = prod.aws.thresholds;
    const rds = { DBInstanceIdentifier: "control-plane-db" };
    const redis = { CacheClusterId: "app-plane-redis" };
    const ecs = { ClusterName: "ananta-prod", ServiceName: "cns-service" };
    const expected: [string, string, string, Record<string, string>, string, string, number, string, string, string][] = [
      // name, namespace, metric, dimensions, statistic, comparison, threshold, topic, missing data, runbook
      ["ananta-prod-control-plane-db-cpu-high", "AWS/RDS", "CPUUtilization", rds, "Average", "GreaterThanThreshold", t.rdsCpuPercent, "warning", "missing", "RdsCpuHigh"],
      ["ananta-prod-control-plane-db-free-storage-low", "AWS/RDS", "FreeStorageSpace", rds, "Minimum", "LessThanThreshold", t.rdsFreeStorageBytes, "critical", "missing", "RdsFreeStorageLow"],
      ["ananta-prod-control-plane-db-connections-high", "AWS/RDS", "DatabaseConnections", rds, "Average", "GreaterThanThreshold", t.rdsConnections, "critical", "missing", "RdsConnectionsHigh"],
      ["ananta-prod-app-plane-redis-cpu-high", "AWS/ElastiCache", "EngineCPUUtilization", redis, "Average", "GreaterThanThreshold", t.cacheCpuPercent, "warning", "missing", "CacheCpuHigh"],
      ["ananta-prod-app-plane-redis-memory-high", "AWS/ElastiCache", "DatabaseMemoryUsagePercentage", redis, "Average", "GreaterThanThreshold", t.cacheMemoryPercent, "critical", "missing", "CacheMemoryHigh"],
      ["ananta-prod-app-plane-redis-evictions-high", "AWS/ElastiCache", "Evictions", redis, "Sum", "GreaterThanThreshold", t.cacheEvictions, "warning", "notBreaching", "CacheEvictionsHigh"],
      ["ananta-prod-cns-service-cpu-high", "AWS/ECS", "CPUUtilization", ecs, "Average", "GreaterThanThreshold", t.ecsCpuPercent, "warning", "missing", "EcsCpuHigh"],
      ["ananta-prod-cns-service-memory-high", "AWS/ECS", "MemoryUtilization", ecs, "Average", "GreaterThanThreshold", t.ecsMemoryPercent, "warning", "missing", "EcsMemoryHigh"],
    ];
    const found = byName(alarms);
    for (const [name, namespace, metricName, dimensions, statistic, comparisonOperator, threshold, topic, treatMissingData, kind] of expected) {
      const a = found.get(name);
      assert.ok(a, `alarm ${name} exists`);
      assert.deepEqual(
        { namespace: a.alarm.namespace, metricName: a.alarm.metricName, dimensions: a.alarm.dimensions, statistic: a.alarm.statistic, comparisonOperator: a.alarm.comparisonOperator },
        { namespace, metricName, dimensions, statistic, comparisonOperator },
        name,
      );
      assert.equal(a.alarm.threshold, threshold, name);
      assert.equal(a.topic, topic, name);
      assert.equal(a.alarm.treatMissingData, treatMissingData, name);
      assert.equal(a.kind, kind, name);
      assert.equal(a.alarm.period * a.alarm.evaluationPeriods, 600, `${name} judges 10 minutes`);
    }
    assert.equal(t.rdsFreeStorageBytes, 10 * 1024 ** 3);
    assert.match(found.get("ananta-prod-control-plane-db-free-storage-low")!.alarm.alarmDescription, /below 10 GiB/);
  });

  it("covers every inventory item of the stack file with its alarms", () => {
    const names = alarms.map((a) => a.alarm.name);
    for (const db of prod.aws.rds) for (const s of ["cpu-high", "free-storage-low", "connections-high"]) assert.ok(names.includes(`ananta-prod-${db.identifier}-${s}`));
    for (const c of prod.aws.elasticache) for (const s of ["cpu-high", "memory-high", "evictions-high"]) assert.ok(names.includes(`ananta-prod-${c.clusterId}-${s}`));
    for (const svc of prod.aws.ecs.services) for (const s of ["cpu-high", "memory-high"]) assert.ok(names.includes(`ananta-prod-${svc.name}-${s}`));
  });

  it("takes thresholds from settings.aws.thresholds", () => {
    const custom = settings({ thresholds: { rdsCpuPercent: 65, ecsMemoryPercent: 70, cacheEvictions: 5 } });
    const found = byName(inventoryAlarms(custom));
    assert.equal(found.get("ananta-prod-app-plane-db-cpu-high")!.alarm.threshold, 65);
    assert.equal(found.get("ananta-prod-subscription-service-memory-high")!.alarm.threshold, 70);
    assert.equal(found.get("ananta-prod-app-plane-redis-evictions-high")!.alarm.threshold, 5);
    assert.match(found.get("ananta-prod-app-plane-db-cpu-high")!.alarm.alarmDescription, /CPU above 65%/);
  });

  it("makes no alarm for an empty inventory", () => {
    assert.deepEqual(inventoryAlarms(settings({ rds: [], elasticache: [], ecs: { services: [] } })), []);
  });

  it("links every alarm to a runbook page that exists in docs/runbooks", () => {
    const all = [...alarms, ...FORWARDERS.flatMap((f) => forwarderAlarms(prod, f))];
    for (const a of all) {
      assert.ok(a.alarm.alarmDescription.endsWith(`Runbook: ${RUNBOOK_BASE}/${a.kind}.md`), a.alarm.alarmDescription);
      assert.ok(a.alarm.alarmDescription.length <= 1024, "CloudWatch limits descriptions to 1024 characters");
      assert.ok(fs.existsSync(path.join(ROOT, "docs/runbooks", `${a.kind}.md`)), `docs/runbooks/${a.kind}.md exists`);
    }
  });

  it("rejects an inventory name used twice, naming both keys", () => {
    assert.throws(
      () => settings({ elasticache: [{ clusterId: "control-plane-db", plane: "app" }] }),
      (e: unknown) =>
        e instanceof SettingsError &&
        e.problems.some((p) => p.key === "ananta-monitoring:aws.elasticache[0].clusterId" && p.value === "control-plane-db" && p.message.includes("duplicates aws.rds[0].identifier")),
    );
  });
});

describe("forwarder routing and health alarms", () => {
  const prod = settings();

  it("sends each forwarder's health alarms to a topic another forwarder reads", () => {
    for (const s of [prod, settings({ topics: { pages: { slack: "critical", pagerduty: "critical" }, chat: { slack: "platform" } }, alarmTopics: { critical: "pages", warning: "chat" }, forwarderAlarmTopics: { pagerduty: "chat", slack: "pages" } })]) {
      for (const f of FORWARDERS) {
        const topic = healthTopic(s, f);
        const readers = FORWARDERS.filter((g) => forwarderTopics(s, g).includes(topic));
        assert.ok(readers.some((g) => g !== f), `${f} health topic ${topic} is read by another forwarder`);
        for (const a of forwarderAlarms(s, f)) assert.equal(a.topic, topic);
      }
      assert.ok(!forwarderTopics(s, "pagerduty").includes(healthTopic(s, "pagerduty")), "PagerDuty failures do not depend on PagerDuty");
    }
    assert.deepEqual([healthTopic(prod, "pagerduty"), healthTopic(prod, "slack")], ["infrastructure", "critical"]);
  });

  it("watches the forwarder's own function and dead-letter queue", () => {
    const names = forwarderNames(prod, "slack");
    assert.deepEqual(names, {
      functionName: "ananta-prod-slack-forwarder",
      roleName: "ananta-prod-slack-forwarder",
      logGroupName: "/aws/lambda/ananta-prod-slack-forwarder",
      queueName: "ananta-prod-slack-forwarder-dlq",
    });
    const [errors, deadLetters] = forwarderAlarms(prod, "slack");
    assert.deepEqual([errors.alarm.namespace, errors.alarm.metricName, errors.alarm.dimensions], ["AWS/Lambda", "Errors", { FunctionName: names.functionName }]);
    assert.deepEqual([deadLetters.alarm.namespace, deadLetters.alarm.metricName, deadLetters.alarm.dimensions], ["AWS/SQS", "ApproximateNumberOfMessagesVisible", { QueueName: names.queueName }]);
    for (const a of [errors, deadLetters]) {
      assert.equal(a.alarm.threshold, 1);
      assert.equal(a.alarm.comparisonOperator, "GreaterThanOrEqualToThreshold");
      assert.equal(a.alarm.treatMissingData, "notBreaching");
    }
  });

  it("posts to one Slack channel per topic, without repeats", () => {
    assert.deepEqual(slackTeams(prod), ["critical", "platform", "slo", "infrastructure"]);
    const twoTopicsOneTeam = { critical: { slack: "critical", pagerduty: "critical" }, warning: { slack: "critical" }, infrastructure: { slack: "infrastructure" } };
    // (the prod stack's forwarderAlarmTopics name critical and infrastructure, which stay)
    assert.deepEqual(slackTeams(settings({ topics: twoTopicsOneTeam })), ["critical", "infrastructure"]);
  });
});
