// Databases (postgres_exporter): the server down, connections nearly used up, replicas
// lagging, transactions held open, deadlocks. These belong to shared infrastructure
// (plane infra, service postgres); instance and datname come from the series.
import { AlertGenerator, AlertSpec, infraOwner, percent } from "./rule";

const DEADLOCK_WINDOW = "10m";

export const databaseAlerts: AlertGenerator = (settings) => {
  const a = settings.alerts;
  const common = { category: "database" as const, owner: infraOwner("postgres") };
  const alerts: AlertSpec[] = [
    {
      ...common,
      alert: "PostgresDown",
      severity: "critical",
      expr: "pg_up == 0",
      for: a.dbDownFor,
      summary: "PostgreSQL is down",
      description: `postgres_exporter at {{ $labels.instance }} cannot connect to its database (pg_up = {{ $value }}) for more than ${a.dbDownFor}.`,
    },
    {
      ...common,
      alert: "DatabaseConnectionPoolExhausted",
      severity: "critical",
      expr: `sum by (job, instance) (pg_stat_activity_count) / max by (job, instance) (pg_settings_max_connections) > ${a.dbConnectionsRatio}`,
      for: a.dbConnectionsFor,
      summary: `PostgreSQL connections above ${percent(a.dbConnectionsRatio)} of max_connections`,
      description: `{{ $labels.instance }} uses {{ $value | humanizePercentage }} of max_connections; new connections will soon be refused.`,
    },
    {
      ...common,
      alert: "PostgresReplicationLag",
      severity: "warning",
      expr: `pg_replication_lag_seconds > ${a.dbReplicationLagSeconds}`,
      for: a.dbReplicationLagFor,
      summary: `PostgreSQL replica more than ${a.dbReplicationLagSeconds}s behind`,
      description: `Replica {{ $labels.instance }} replays WAL {{ $value | humanizeDuration }} behind its primary.`,
    },
    {
      ...common,
      alert: "PostgresLongRunningTransaction",
      severity: "warning",
      expr: `max by (job, instance, datname) (pg_stat_activity_max_tx_duration) > ${a.dbLongTransactionSeconds}`,
      for: a.dbLongTransactionFor,
      summary: `PostgreSQL transaction open longer than ${a.dbLongTransactionSeconds}s`,
      description: `A transaction on database {{ $labels.datname }} at {{ $labels.instance }} has been open for {{ $value | humanizeDuration }}; it holds locks and blocks vacuum.`,
    },
    {
      ...common,
      alert: "PostgresDeadlocks",
      severity: "warning",
      expr: `increase(pg_stat_database_deadlocks{datname!=""}[${DEADLOCK_WINDOW}]) > ${a.dbDeadlocks}`,
      for: a.dbDeadlocksFor,
      summary: `PostgreSQL deadlocks on {{ $labels.datname }}`,
      description: `Database {{ $labels.datname }} at {{ $labels.instance }} had {{ $value | humanize }} deadlocks in the last ${DEADLOCK_WINDOW} (threshold ${a.dbDeadlocks}).`,
    },
  ];
  return alerts;
};
