// Infrastructure: hosts (node_exporter) and containers (cAdvisor). Plane infra; host alerts
// have service "host" with the instance from the series; container alerts take service from
// the container name, so a crash-looping service container names itself.
import { AlertGenerator, AlertSpec, infraOwner, percent } from "./rule";

/** Lookback of the linear disk-usage prediction. */
const DISK_TREND_WINDOW = "1h";
/** How far back container restarts and OOM kills are counted. */
const CONTAINER_WINDOW = "15m";
/** Filesystems that are not disks. */
const PSEUDO_FS = 'fstype!~"tmpfs|ramfs|squashfs|overlay|nsfs|fuse.lxcfs"';

const withContainerService = (expr: string) => `label_replace(${expr}, "service", "$1", "name", "(.+)")`;

export const infrastructureAlerts: AlertGenerator = (settings) => {
  const a = settings.alerts;
  const host = { category: "infrastructure" as const, owner: infraOwner("host") };
  const container = { category: "infrastructure" as const, owner: infraOwner() };
  const alerts: AlertSpec[] = [
    {
      ...host,
      alert: "HostHighCpu",
      severity: "warning",
      expr: `1 - avg by (job, instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])) > ${a.hostCpuRatio}`,
      for: a.hostCpuFor,
      summary: `Host CPU above ${percent(a.hostCpuRatio)}`,
      description: `{{ $labels.instance }} is {{ $value | humanizePercentage }} busy (all CPUs, 5m average) for ${a.hostCpuFor}.`,
    },
    {
      ...host,
      alert: "HostHighMemory",
      severity: "warning",
      expr: `1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes > ${a.hostMemoryRatio}`,
      for: a.hostMemoryFor,
      summary: `Host memory above ${percent(a.hostMemoryRatio)}`,
      description: `{{ $labels.instance }} has used {{ $value | humanizePercentage }} of its memory for ${a.hostMemoryFor}; the OOM killer is next.`,
    },
    {
      ...host,
      alert: "HostDiskWillFillSoon",
      severity: "critical",
      expr:
        `predict_linear(node_filesystem_avail_bytes{${PSEUDO_FS}}[${DISK_TREND_WINDOW}], ${a.diskFillHours * 3600}) < 0` +
        ` and on (job, instance, device, mountpoint) node_filesystem_readonly == 0`,
      for: a.diskFillFor,
      summary: `Disk predicted to fill within ${a.diskFillHours}h`,
      description: `{{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.instance }} fills within ${a.diskFillHours}h at the rate of the last ${DISK_TREND_WINDOW} (predicted free space: {{ $value | humanize1024 }}B).`,
    },
    {
      ...container,
      alert: "ContainerRestarting",
      severity: "warning",
      expr: withContainerService(`changes(container_start_time_seconds{name!=""}[${CONTAINER_WINDOW}]) >= ${a.containerRestarts}`),
      for: a.containerRestartsFor,
      summary: "Container {{ $labels.name }} keeps restarting",
      description: `Container {{ $labels.name }} on {{ $labels.instance }} restarted {{ $value }} times in the last ${CONTAINER_WINDOW}.`,
    },
    {
      ...container,
      alert: "ContainerOomKilled",
      severity: "warning",
      expr: withContainerService(`increase(container_oom_events_total{name!=""}[${CONTAINER_WINDOW}]) > 0`),
      for: a.containerOomFor,
      summary: "Container {{ $labels.name }} ran out of memory",
      description: `The kernel OOM-killed a process in container {{ $labels.name }} on {{ $labels.instance }} ({{ $value | humanize }} times in the last ${CONTAINER_WINDOW}).`,
    },
  ];
  return alerts;
};
