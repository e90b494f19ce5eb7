// HA hosts: two or more, each with its own name, host and address, never beside the single-host
// keys; a group interval the last Alertmanager peer's wait fits in.
import { durationSeconds } from "../duration";
import { Check } from "./context";

export const ha: Check = ({ s, raw, problem }) => {
  const hosts = s.docker.hosts;
  if (hosts.length === 0) return;
  const givenDocker = (raw.values.docker ?? {}) as Record<string, unknown>;
  if (hosts.length === 1) problem("ha", ["docker", "hosts"], hosts.map((h) => h.name), "must list two or more hosts for HA (for one host, set docker.host and docker.bindAddress instead)");
  for (const single of ["host", "bindAddress"]) {
    if (givenDocker[single] !== undefined) problem("ha", ["docker", single], givenDocker[single], "must not be set with docker.hosts, where each host gives its own host and address");
  }
  // Each later peer waits the peer timeout per peer before it sends; the last one must be done
  // well within a group interval, or its flushes drift and it sends states already replaced.
  const lastWait = durationSeconds(s.alertmanager.peerTimeout) * (hosts.length - 1);
  if (hosts.length > 1 && durationSeconds(s.alertmanager.groupInterval) <= lastWait * 2) {
    problem("ha", ["alertmanager", "groupInterval"], s.alertmanager.groupInterval, `must be longer than ${lastWait * 2}s with ${hosts.length} HA hosts: twice the ${lastWait}s the last peer waits before it sends (alertmanager.peerTimeout ${s.alertmanager.peerTimeout} per peer)`);
  }
  for (const field of ["name", "host", "address"] as const) {
    hosts.forEach((h, i) => {
      const first = hosts.findIndex((o) => o[field] === h[field]);
      if (first < i) problem("ha", ["docker", "hosts", i, field], h[field], `duplicates docker.hosts[${first}].${field}; every host's ${field} must be unique`);
    });
  }
};
