// promtool test cases of every critical and warning alert, keyed by alert name: one group in
// which it fires with exactly these labels and annotations, and groups in which healthy series
// keep it silent. The service under test is cns-service (app plane, team app-plane), which
// both stack files define with the default thresholds.

export interface InputSeries {
  series: string;
  values: string;
}

export interface ExpectedAlert {
  exp_labels: Record<string, string>;
  exp_annotations: { summary: string; description: string; runbook_url: string };
}

export interface AlertCase {
  input_series: InputSeries[];
  eval_time: string;
  /** Add `up == 1` for every other job of prometheus.yml, so TargetMissing stays silent for them. */
  otherTargetsUp?: boolean;
}

export interface AlertCases {
  firing: AlertCase & { exp_alerts: [ExpectedAlert, ...ExpectedAlert[]] };
  /** Healthy (or not-quite-bad-enough) series under which the alert stays silent. */
  silent: [AlertCase, ...AlertCase[]] | { neverSilent: string };
}

/** A promtool series name: a metric and its labels. */
export const series = (metric: string, labels: Record<string, string>): string =>
  `${metric}{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(",")}}`;

const runbook = (alert: string) => `https://github.com/ananta-platform/monitoring/blob/main/docs/runbooks/${alert}.md`;

/** Target labels prometheus.yml attaches to cns-service's series. */
const CNS_TARGET = { job: "app-plane-cns-service", instance: "cns-service:8080", service: "cns-service", plane: "app", team: "appPlane" };
const CNS = { service: "cns-service", plane: "app", team: "appPlane" };
const POSTGRES = { job: "postgres", instance: "db:9187" };
const REDIS = { job: "redis", instance: "redis:9121" };
const NODE = { job: "node-exporter", instance: "host:9100" };
const PROMETHEUS = { job: "prometheus", instance: "localhost:9090" };
const infra = (service: string) => ({ plane: "infra", service });

/** Requests of cns-service by status code, as promtool series. */
const requests = (ok: string, failed: string): InputSeries[] => [
  { series: series("http_requests_total", { ...CNS_TARGET, code: "200" }), values: ok },
  { series: series("http_requests_total", { ...CNS_TARGET, code: "500" }), values: failed },
];

/** Cumulative request-duration buckets of cns-service, per minute; `le` spelled as Prometheus 3 writes it. */
const durations = (perBucket: Record<string, number>): InputSeries[] =>
  Object.entries(perBucket).map(([le, n]) => ({
    series: series("http_request_duration_seconds_bucket", { ...CNS_TARGET, le }),
    values: `0+${n}x30`,
  }));

const filesystem = (labels: Record<string, string>, avail: string): InputSeries[] => [
  { series: series("node_filesystem_avail_bytes", { ...NODE, ...labels }), values: avail },
  { series: series("node_filesystem_readonly", { ...NODE, ...labels }), values: "0x30" },
];

const CONTAINER = { job: "cadvisor", instance: "cadvisor:8080", id: "/docker/4f1c", name: "cns-service", image: "ananta/cns-service:1.4.2" };

export const ALERT_CASES: Record<string, AlertCases> = {
  ServiceDown: {
    firing: {
      input_series: [{ series: series("up", CNS_TARGET), values: "1 0x5" }],
      eval_time: "3m",
      exp_alerts: [
        {
          exp_labels: { ...CNS_TARGET, severity: "critical", category: "availability" },
          exp_annotations: {
            summary: "cns-service is down",
            description: "Prometheus cannot scrape cns-service:8080 of cns-service (job app-plane-cns-service, up = 0) for more than 1m.",
            runbook_url: runbook("ServiceDown"),
          },
        },
      ],
    },
    silent: [{ input_series: [{ series: series("up", CNS_TARGET), values: "1x10" }], eval_time: "5m" }],
  },

  TargetFlapping: {
    firing: {
      input_series: [{ series: series("up", CNS_TARGET), values: "1 0 1 0 1 0 1 0 1 0 1" }],
      eval_time: "10m",
      exp_alerts: [
        {
          exp_labels: { ...CNS_TARGET, severity: "warning", category: "availability" },
          exp_annotations: {
            summary: "cns-service keeps going up and down",
            description: "cns-service:8080 of cns-service (job app-plane-cns-service) changed between up and down 10 times in the last 15m.",
            runbook_url: runbook("TargetFlapping"),
          },
        },
      ],
    },
    // One short blip (two changes) is below the default of four.
    silent: [{ input_series: [{ series: series("up", CNS_TARGET), values: "1 1 0 1x10" }], eval_time: "10m" }],
  },

  TargetMissing: {
    firing: {
      otherTargetsUp: true,
      input_series: [],
      eval_time: "10m",
      exp_alerts: [
        {
          exp_labels: { job: "app-plane-cns-service", ...CNS, severity: "critical", category: "monitoring" },
          exp_annotations: {
            summary: "No target of cns-service is scraped",
            description:
              "Prometheus has no up series for job app-plane-cns-service for 5m: the target left the scrape configuration or service discovery, so ServiceDown cannot fire for it.",
            runbook_url: runbook("TargetMissing"),
          },
        },
      ],
    },
    silent: [{ otherTargetsUp: true, input_series: [{ series: series("up", CNS_TARGET), values: "0x10" }], eval_time: "10m" }],
  },

  HighErrorRate: {
    firing: {
      input_series: requests("0+588x20", "0+12x20"),
      eval_time: "10m",
      exp_alerts: [
        {
          exp_labels: { job: "app-plane-cns-service", ...CNS, severity: "warning", category: "errors", slo: "availability" },
          exp_annotations: {
            summary: "More than 1% of cns-service requests fail",
            description: "2% of cns-service requests failed (code 5..) over the last 5m, above 1% for 5m.",
            runbook_url: runbook("HighErrorRate"),
          },
        },
      ],
    },
    silent: [
      { input_series: requests("0+597x20", "0+3x20"), eval_time: "10m" },
      // No traffic at all is not an error rate (0/0 has no value).
      { input_series: requests("0x20", "0x20"), eval_time: "10m" },
    ],
  },

  CriticalErrorRate: {
    firing: {
      input_series: requests("0+540x20", "0+60x20"),
      eval_time: "5m",
      exp_alerts: [
        {
          exp_labels: { job: "app-plane-cns-service", ...CNS, severity: "critical", category: "errors", slo: "availability" },
          exp_annotations: {
            summary: "More than 5% of cns-service requests fail",
            description: "10% of cns-service requests failed (code 5..) over the last 5m, above 5% for 2m.",
            runbook_url: runbook("CriticalErrorRate"),
          },
        },
      ],
    },
    // 2% errors: HighErrorRate's business, not this one's.
    silent: [{ input_series: requests("0+588x20", "0+12x20"), eval_time: "10m" }],
  },

  HighLatency: {
    firing: {
      // P95 = 1 + (2 - 1) * (950 - 940) / (960 - 940) = 1.5 s; P99 = 2 + (5 - 2) * (990 - 960) / (1000 - 960) = 4.25 s.
      input_series: durations({ "0.1": 800, "0.5": 900, "1.0": 940, "2.0": 960, "5.0": 1000, "+Inf": 1000 }),
      eval_time: "15m",
      exp_alerts: [
        {
          exp_labels: { job: "app-plane-cns-service", ...CNS, slo: "p95", severity: "critical", category: "latency" },
          exp_annotations: {
            summary: "cns-service P95 latency above 0.5s",
            description: "P95 latency of cns-service is 1.5s over the last 5m, above the p95 SLO threshold of 0.5s for 10m.",
            runbook_url: runbook("HighLatency"),
          },
        },
        {
          exp_labels: { job: "app-plane-cns-service", ...CNS, slo: "p99", severity: "critical", category: "latency" },
          exp_annotations: {
            summary: "cns-service P99 latency above 2s",
            description: "P99 latency of cns-service is 4.25s over the last 5m, above the p99 SLO threshold of 2s for 10m.",
            runbook_url: runbook("HighLatency"),
          },
        },
      ],
    },
    // P95 = 0.1 + 0.4 * (950 - 900) / (990 - 900) ≈ 0.32 s; P99 = 0.1 + 0.4 * (990 - 900) / (990 - 900) = 0.5 s.
    silent: [{ input_series: durations({ "0.1": 900, "0.5": 990, "1.0": 995, "2.0": 1000, "5.0": 1000, "+Inf": 1000 }), eval_time: "15m" }],
  },

  DatabaseConnectionPoolExhausted: {
    firing: {
      input_series: [
        { series: series("pg_stat_activity_count", { ...POSTGRES, datname: "app", state: "active" }), values: "50x10" },
        { series: series("pg_stat_activity_count", { ...POSTGRES, datname: "app", state: "idle" }), values: "45x10" },
        { series: series("pg_settings_max_connections", POSTGRES), values: "100x10" },
      ],
      eval_time: "5m",
      exp_alerts: [
        {
          exp_labels: { ...POSTGRES, ...infra("postgres"), severity: "critical", category: "database" },
          exp_annotations: {
            summary: "PostgreSQL connections above 90% of max_connections",
            description: "db:9187 uses 95% of max_connections; new connections will soon be refused.",
            runbook_url: runbook("DatabaseConnectionPoolExhausted"),
          },
        },
      ],
    },
    silent: [
      {
        input_series: [
          { series: series("pg_stat_activity_count", { ...POSTGRES, datname: "app", state: "active" }), values: "50x10" },
          { series: series("pg_stat_activity_count", { ...POSTGRES, datname: "app", state: "idle" }), values: "20x10" },
          { series: series("pg_settings_max_connections", POSTGRES), values: "100x10" },
        ],
        eval_time: "5m",
      },
    ],
  },

  PostgresDown: {
    firing: {
      input_series: [{ series: series("pg_up", POSTGRES), values: "0x5" }],
      eval_time: "3m",
      exp_alerts: [
        {
          exp_labels: { ...POSTGRES, ...infra("postgres"), severity: "critical", category: "database" },
          exp_annotations: {
            summary: "PostgreSQL is down",
            description: "postgres_exporter at db:9187 cannot connect to its database (pg_up = 0) for more than 1m.",
            runbook_url: runbook("PostgresDown"),
          },
        },
      ],
    },
    silent: [{ input_series: [{ series: series("pg_up", POSTGRES), values: "1x5" }], eval_time: "3m" }],
  },

  PostgresReplicationLag: {
    firing: {
      input_series: [{ series: series("pg_replication_lag_seconds", { job: "postgres", instance: "replica:9187" }), values: "120x10" }],
      eval_time: "10m",
      exp_alerts: [
        {
          exp_labels: { job: "postgres", instance: "replica:9187", ...infra("postgres"), severity: "warning", category: "database" },
          exp_annotations: {
            summary: "PostgreSQL replica more than 30s behind",
            description: "Replica replica:9187 replays WAL 2m 0s behind its primary.",
            runbook_url: runbook("PostgresReplicationLag"),
          },
        },
      ],
    },
    silent: [{ input_series: [{ series: series("pg_replication_lag_seconds", { job: "postgres", instance: "replica:9187" }), values: "5x10" }], eval_time: "10m" }],
  },

  PostgresLongRunningTransaction: {
    firing: {
      input_series: [
        { series: series("pg_stat_activity_max_tx_duration", { ...POSTGRES, datname: "app", state: "idle in transaction" }), values: "600x10" },
        { series: series("pg_stat_activity_max_tx_duration", { ...POSTGRES, datname: "app", state: "active" }), values: "2x10" },
      ],
      eval_time: "5m",
      exp_alerts: [
        {
          exp_labels: { ...POSTGRES, datname: "app", ...infra("postgres"), severity: "warning", category: "database" },
          exp_annotations: {
            summary: "PostgreSQL transaction open longer than 300s",
            description: "A transaction on database app at db:9187 has been open for 10m 0s; it holds locks and blocks vacuum.",
            runbook_url: runbook("PostgresLongRunningTransaction"),
          },
        },
      ],
    },
    silent: [
      {
        input_series: [{ series: series("pg_stat_activity_max_tx_duration", { ...POSTGRES, datname: "app", state: "active" }), values: "10x10" }],
        eval_time: "5m",
      },
    ],
  },

  PostgresDeadlocks: {
    firing: {
      input_series: [{ series: series("pg_stat_database_deadlocks", { ...POSTGRES, datname: "app" }), values: "0+1x20" }],
      eval_time: "12m",
      exp_alerts: [
        {
          exp_labels: { ...POSTGRES, datname: "app", ...infra("postgres"), severity: "warning", category: "database" },
          exp_annotations: {
            summary: "PostgreSQL deadlocks on app",
            description: "Database app at db:9187 had 10 deadlocks in the last 10m (threshold 3).",
            runbook_url: runbook("PostgresDeadlocks"),
          },
        },
      ],
    },
    // A single deadlock is retried by the application; only a stream of them is a pattern.
    silent: [{ input_series: [{ series: series("pg_stat_database_deadlocks", { ...POSTGRES, datname: "app" }), values: "0x10 1x10" }], eval_time: "12m" }],
  },

  RedisDown: {
    firing: {
      input_series: [{ series: series("redis_up", REDIS), values: "0x5" }],
      eval_time: "3m",
      exp_alerts: [
        {
          exp_labels: { ...REDIS, ...infra("redis"), severity: "critical", category: "cache" },
          exp_annotations: {
            summary: "Redis is down",
            description: "redis_exporter at redis:9121 cannot reach Redis (redis_up = 0) for more than 1m.",
            runbook_url: runbook("RedisDown"),
          },
        },
      ],
    },
    silent: [{ input_series: [{ series: series("redis_up", REDIS), values: "1x5" }], eval_time: "3m" }],
  },

  RedisMemoryCritical: {
    firing: {
      input_series: [
        { series: series("redis_memory_used_bytes", REDIS), values: "980x10" },
        { series: series("redis_memory_max_bytes", REDIS), values: "1000x10" },
      ],
      eval_time: "5m",
      exp_alerts: [
        {
          exp_labels: { ...REDIS, ...infra("redis"), severity: "critical", category: "cache" },
          exp_annotations: {
            summary: "Redis memory above 95% of maxmemory",
            description: "Redis at redis:9121 uses 98% of maxmemory; writes fail or keys are evicted when it is full.",
            runbook_url: runbook("RedisMemoryCritical"),
          },
        },
      ],
    },
    silent: [
      {
        input_series: [
          { series: series("redis_memory_used_bytes", REDIS), values: "500x10" },
          { series: series("redis_memory_max_bytes", REDIS), values: "1000x10" },
          // maxmemory 0 means "no limit": there is nothing to be near.
          { series: series("redis_memory_used_bytes", { ...REDIS, instance: "sessions:9121" }), values: "1000x10" },
          { series: series("redis_memory_max_bytes", { ...REDIS, instance: "sessions:9121" }), values: "0x10" },
        ],
        eval_time: "5m",
      },
    ],
  },

  RedisEvictions: {
    firing: {
      input_series: [{ series: series("redis_evicted_keys_total", REDIS), values: "0+600x20" }],
      eval_time: "10m",
      exp_alerts: [
        {
          exp_labels: { ...REDIS, ...infra("redis"), severity: "warning", category: "cache" },
          exp_annotations: {
            summary: "Redis is evicting keys",
            description: "Redis at redis:9121 evicts 10 keys per second (threshold 1/s).",
            runbook_url: runbook("RedisEvictions"),
          },
        },
      ],
    },
    silent: [{ input_series: [{ series: series("redis_evicted_keys_total", REDIS), values: "0+30x20" }], eval_time: "10m" }],
  },

  HostHighCpu: {
    firing: {
      input_series: [{ series: series("node_cpu_seconds_total", { ...NODE, cpu: "0", mode: "idle" }), values: "0+3x30" }],
      eval_time: "15m",
      exp_alerts: [
        {
          exp_labels: { ...NODE, ...infra("host"), severity: "warning", category: "infrastructure" },
          exp_annotations: {
            summary: "Host CPU above 90%",
            description: "host:9100 is 95% busy (all CPUs, 5m average) for 10m.",
            runbook_url: runbook("HostHighCpu"),
          },
        },
      ],
    },
    silent: [{ input_series: [{ series: series("node_cpu_seconds_total", { ...NODE, cpu: "0", mode: "idle" }), values: "0+30x30" }], eval_time: "15m" }],
  },

  HostHighMemory: {
    firing: {
      input_series: [
        { series: series("node_memory_MemAvailable_bytes", NODE), values: "500000000x10" },
        { series: series("node_memory_MemTotal_bytes", NODE), values: "10000000000x10" },
      ],
      eval_time: "10m",
      exp_alerts: [
        {
          exp_labels: { ...NODE, ...infra("host"), severity: "warning", category: "infrastructure" },
          exp_annotations: {
            summary: "Host memory above 90%",
            description: "host:9100 has used 95% of its memory for 5m; the OOM killer is next.",
            runbook_url: runbook("HostHighMemory"),
          },
        },
      ],
    },
    silent: [
      {
        input_series: [
          { series: series("node_memory_MemAvailable_bytes", NODE), values: "5000000000x10" },
          { series: series("node_memory_MemTotal_bytes", NODE), values: "10000000000x10" },
        ],
        eval_time: "10m",
      },
    ],
  },

  HostDiskWillFillSoon: {
    firing: {
      // 10 GiB free, shrinking by 100 MiB a minute: at 20m 8240 MiB left, in 4h 24000 MiB fewer.
      input_series: filesystem({ device: "/dev/sda1", mountpoint: "/", fstype: "ext4" }, "10737418240-104857600x30"),
      eval_time: "20m",
      exp_alerts: [
        {
          exp_labels: { ...NODE, device: "/dev/sda1", mountpoint: "/", fstype: "ext4", ...infra("host"), severity: "critical", category: "infrastructure" },
          exp_annotations: {
            summary: "Disk predicted to fill within 4h",
            description: "/ (/dev/sda1) on host:9100 fills within 4h at the rate of the last 1h (predicted free space: -15.39GiB).",
            runbook_url: runbook("HostDiskWillFillSoon"),
          },
        },
      ],
    },
    silent: [
      {
        input_series: [
          ...filesystem({ device: "/dev/sda1", mountpoint: "/", fstype: "ext4" }, "10737418240x30"),
          // A tmpfs filling up is memory, not disk.
          ...filesystem({ device: "tmpfs", mountpoint: "/run", fstype: "tmpfs" }, "10737418240-104857600x30"),
        ],
        eval_time: "20m",
      },
    ],
  },

  ContainerRestarting: {
    firing: {
      input_series: [{ series: series("container_start_time_seconds", CONTAINER), values: "60+60x20" }],
      eval_time: "10m",
      exp_alerts: [
        {
          exp_labels: { ...CONTAINER, plane: "infra", service: "cns-service", severity: "warning", category: "infrastructure" },
          exp_annotations: {
            summary: "Container cns-service keeps restarting",
            description: "Container cns-service on cadvisor:8080 restarted 10 times in the last 15m.",
            runbook_url: runbook("ContainerRestarting"),
          },
        },
      ],
    },
    silent: [{ input_series: [{ series: series("container_start_time_seconds", CONTAINER), values: "60x10 660x10" }], eval_time: "15m" }],
  },

  ContainerOomKilled: {
    firing: {
      input_series: [{ series: series("container_oom_events_total", CONTAINER), values: "0x9 1x11" }],
      eval_time: "20m",
      exp_alerts: [
        {
          exp_labels: { ...CONTAINER, plane: "infra", service: "cns-service", severity: "warning", category: "infrastructure" },
          exp_annotations: {
            summary: "Container cns-service ran out of memory",
            description: "The kernel OOM-killed a process in container cns-service on cadvisor:8080 (1 times in the last 15m).",
            runbook_url: runbook("ContainerOomKilled"),
          },
        },
      ],
    },
    silent: [{ input_series: [{ series: series("container_oom_events_total", CONTAINER), values: "0x20" }], eval_time: "20m" }],
  },

  DeploymentCausingErrors: {
    firing: {
      // 0.5% errors until a new process starts at 30m, 10% after it.
      input_series: [
        ...requests("0+597x29 17910+540x20", "0+3x29 90+60x20"),
        { series: series("process_start_time_seconds", CNS_TARGET), values: "0x29 1800x20" },
      ],
      eval_time: "40m",
      exp_alerts: [
        {
          exp_labels: { job: "app-plane-cns-service", ...CNS, severity: "critical", category: "deployment" },
          exp_annotations: {
            summary: "cns-service errors rose after a deployment",
            description:
              "A new cns-service process started within the last 15m and 10% of requests now fail (over 5m), more than before it and above 1%.",
            runbook_url: runbook("DeploymentCausingErrors"),
          },
        },
      ],
    },
    silent: [
      // The same error jump without a new process: CriticalErrorRate's business.
      {
        input_series: [...requests("0+597x29 17910+540x20", "0+3x29 90+60x20"), { series: series("process_start_time_seconds", CNS_TARGET), values: "0x49" }],
        eval_time: "40m",
      },
      // Already failing at 10% before the deployment, and no worse after it.
      {
        input_series: [...requests("0+540x49", "0+60x49"), { series: series("process_start_time_seconds", CNS_TARGET), values: "0x29 1800x20" }],
        eval_time: "40m",
      },
      // A deployment with healthy error rates.
      {
        input_series: [...requests("0+597x49", "0+3x49"), { series: series("process_start_time_seconds", CNS_TARGET), values: "0x29 1800x20" }],
        eval_time: "40m",
      },
    ],
  },

  PrometheusRuleEvaluationFailures: {
    firing: {
      input_series: [
        { series: series("prometheus_rule_evaluation_failures_total", { ...PROMETHEUS, rule_group: "/etc/prometheus/rules/slos.yml;slo-availability" }), values: "0x4 1+1x15" },
      ],
      eval_time: "15m",
      exp_alerts: [
        {
          exp_labels: { ...PROMETHEUS, rule_group: "/etc/prometheus/rules/slos.yml;slo-availability", ...infra("prometheus"), severity: "critical", category: "monitoring" },
          exp_annotations: {
            summary: "Prometheus fails to evaluate rules",
            description: "5 evaluations of rule group /etc/prometheus/rules/slos.yml;slo-availability failed in the last 5m on localhost:9090; its alerts cannot fire.",
            runbook_url: runbook("PrometheusRuleEvaluationFailures"),
          },
        },
      ],
    },
    silent: [
      {
        input_series: [{ series: series("prometheus_rule_evaluation_failures_total", { ...PROMETHEUS, rule_group: "/etc/prometheus/rules/slos.yml;slo-availability" }), values: "0x20" }],
        eval_time: "15m",
      },
    ],
  },

  PrometheusNotificationsFailing: {
    firing: {
      input_series: [
        { series: series("prometheus_notifications_errors_total", { ...PROMETHEUS, alertmanager: "http://alertmanager:9093/api/v2/alerts" }), values: "0+6x20" },
        { series: series("prometheus_notifications_sent_total", { ...PROMETHEUS, alertmanager: "http://alertmanager:9093/api/v2/alerts" }), values: "0+60x20" },
      ],
      eval_time: "10m",
      exp_alerts: [
        {
          exp_labels: { ...PROMETHEUS, alertmanager: "http://alertmanager:9093/api/v2/alerts", ...infra("prometheus"), severity: "critical", category: "monitoring" },
          exp_annotations: {
            summary: "Prometheus cannot deliver alerts to Alertmanager",
            description: "10% of alert batches from localhost:9090 to http://alertmanager:9093/api/v2/alerts failed in the last 5m (threshold 1%).",
            runbook_url: runbook("PrometheusNotificationsFailing"),
          },
        },
      ],
    },
    silent: [
      {
        input_series: [
          { series: series("prometheus_notifications_errors_total", { ...PROMETHEUS, alertmanager: "http://alertmanager:9093/api/v2/alerts" }), values: "0x20" },
          { series: series("prometheus_notifications_sent_total", { ...PROMETHEUS, alertmanager: "http://alertmanager:9093/api/v2/alerts" }), values: "0+60x20" },
        ],
        eval_time: "10m",
      },
    ],
  },

  PrometheusConfigReloadFailed: {
    firing: {
      input_series: [{ series: series("prometheus_config_last_reload_successful", PROMETHEUS), values: "1 0x20" }],
      eval_time: "15m",
      exp_alerts: [
        {
          exp_labels: { ...PROMETHEUS, ...infra("prometheus"), severity: "warning", category: "monitoring" },
          exp_annotations: {
            summary: "Prometheus configuration reload failed",
            description: "localhost:9090 rejected its last configuration reload (successful = 0) and still runs the previous configuration.",
            runbook_url: runbook("PrometheusConfigReloadFailed"),
          },
        },
      ],
    },
    silent: [{ input_series: [{ series: series("prometheus_config_last_reload_successful", PROMETHEUS), values: "1x20" }], eval_time: "15m" }],
  },

  AlertmanagerNotificationsFailing: {
    firing: {
      input_series: [
        { series: series("alertmanager_notifications_failed_total", { job: "alertmanager", instance: "alertmanager:9093", integration: "pagerduty", reason: "serverError" }), values: "0+30x20" },
        { series: series("alertmanager_notifications_total", { job: "alertmanager", instance: "alertmanager:9093", integration: "pagerduty" }), values: "0+60x20" },
        { series: series("alertmanager_notifications_failed_total", { job: "alertmanager", instance: "alertmanager:9093", integration: "slack" }), values: "0x20" },
        { series: series("alertmanager_notifications_total", { job: "alertmanager", instance: "alertmanager:9093", integration: "slack" }), values: "0+60x20" },
      ],
      eval_time: "10m",
      exp_alerts: [
        {
          exp_labels: { job: "alertmanager", instance: "alertmanager:9093", integration: "pagerduty", ...infra("alertmanager"), severity: "critical", category: "monitoring" },
          exp_annotations: {
            summary: "Alertmanager cannot deliver pagerduty notifications",
            description: "50% of pagerduty notifications from alertmanager:9093 failed in the last 5m (threshold 1%).",
            runbook_url: runbook("AlertmanagerNotificationsFailing"),
          },
        },
      ],
    },
    silent: [
      {
        input_series: [
          { series: series("alertmanager_notifications_failed_total", { job: "alertmanager", instance: "alertmanager:9093", integration: "pagerduty" }), values: "0x20" },
          { series: series("alertmanager_notifications_total", { job: "alertmanager", instance: "alertmanager:9093", integration: "pagerduty" }), values: "0+60x20" },
        ],
        eval_time: "10m",
      },
    ],
  },

  Watchdog: {
    firing: {
      input_series: [],
      eval_time: "1m",
      exp_alerts: [
        {
          exp_labels: { ...infra("prometheus"), severity: "info", category: "monitoring" },
          exp_annotations: {
            summary: "Alerting pipeline heartbeat",
            description:
              "Always firing. A dead man's switch pages when this alert stops arriving: Prometheus, its rules or Alertmanager are then broken.",
            runbook_url: runbook("Watchdog"),
          },
        },
      ],
    },
    silent: { neverSilent: "the heartbeat fires whatever the series; its absence is what the dead man's switch detects" },
  },
};
