// Caches (redis_exporter): Redis down, memory nearly at maxmemory, keys being evicted.
// Shared infrastructure: plane infra, service redis; instance comes from the series.
import { AlertGenerator, AlertSpec, infraOwner, percent } from "./rule";

export const cacheAlerts: AlertGenerator = (settings) => {
  const a = settings.alerts;
  const common = { category: "cache" as const, owner: infraOwner("redis") };
  const alerts: AlertSpec[] = [
    {
      ...common,
      alert: "RedisDown",
      severity: "critical",
      expr: "redis_up == 0",
      for: a.redisDownFor,
      summary: "Redis is down",
      description: `redis_exporter at {{ $labels.instance }} cannot reach Redis (redis_up = {{ $value }}) for more than ${a.redisDownFor}.`,
    },
    {
      ...common,
      alert: "RedisMemoryCritical",
      severity: "critical",
      // Without maxmemory (0) Redis has no limit of its own: nothing to compare with.
      expr: `redis_memory_used_bytes / (redis_memory_max_bytes > 0) > ${a.redisMemoryRatio}`,
      for: a.redisMemoryFor,
      summary: `Redis memory above ${percent(a.redisMemoryRatio)} of maxmemory`,
      description: `Redis at {{ $labels.instance }} uses {{ $value | humanizePercentage }} of maxmemory; writes fail or keys are evicted when it is full.`,
    },
    {
      ...common,
      alert: "RedisEvictions",
      severity: "warning",
      expr: `rate(redis_evicted_keys_total[5m]) > ${a.redisEvictionsPerSecond}`,
      for: a.redisEvictionsFor,
      summary: "Redis is evicting keys",
      description: `Redis at {{ $labels.instance }} evicts {{ $value | humanize }} keys per second (threshold ${a.redisEvictionsPerSecond}/s).`,
    },
  ];
  return alerts;
};
