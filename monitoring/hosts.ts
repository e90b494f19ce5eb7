// Where the stack runs: one Docker host (docker.host, APIs on docker.bindAddress), or for high
// availability several (docker.hosts), each running a Prometheus replica and an Alertmanager
// peer. The replicas evaluate the same rules and send every alert to every peer; the peers
// gossip silences and the notification log, so each notification goes out once.
import type { Settings } from "../settings";

export interface StackHost {
  /** Names the host's resources and its Prometheus replica; empty for the single host (names unchanged). */
  name: string;
  /** Docker host URL. */
  host: string;
  /** The address the host's ports are published on, and other hosts reach it at. */
  address: string;
}

/** Every Prometheus replica and Alertmanager peer, as host:port that the others reach. */
export interface ClusterPeers {
  /** This replica's name: its `replica` external label, dropped from the alerts it sends. */
  replica: string;
  prometheus: string[];
  alertmanager: string[];
}

/** The external label that tells replicas apart. */
export const REPLICA_LABEL = "replica";

export const isHa = (settings: Settings): boolean => settings.docker.hosts.length >= 2;

export const stackHosts = (settings: Settings): StackHost[] =>
  isHa(settings) ? settings.docker.hosts.map((h) => ({ ...h })) : [{ name: "", host: settings.docker.host, address: settings.docker.bindAddress }];

const isLoopback = (address: string): boolean => address.startsWith("127.") || address === "::1";

/**
 * Whether the Prometheus and Alertmanager APIs require credentials: whenever they are reachable
 * beyond this machine (HA, or docker.bindAddress not loopback). A reachable Prometheus with the
 * lifecycle API could otherwise be stopped by anyone, an Alertmanager silenced by anyone.
 */
export const apiAuthRequired = (settings: Settings): boolean => isHa(settings) || !isLoopback(settings.docker.bindAddress);

/** host:port, IPv6 addresses in brackets. */
export const hostPort = (address: string, port: number): string => `${address.includes(":") ? `[${address}]` : address}:${port}`;

/** The peers as the Docker stack publishes them: each host's APIs on its address. */
export function dockerCluster(settings: Settings, host: StackHost): ClusterPeers | undefined {
  if (!isHa(settings)) return undefined;
  const hosts = stackHosts(settings);
  return {
    replica: host.name,
    prometheus: hosts.map((h) => hostPort(h.address, settings.docker.ports.prometheus)),
    alertmanager: hosts.map((h) => hostPort(h.address, settings.docker.ports.alertmanager)),
  };
}
