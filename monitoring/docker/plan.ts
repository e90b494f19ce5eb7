// What MonitoringStack (components/monitoring-stack.ts) builds, decided once from the settings:
// each host with its containers and their sync steps, whether Alertmanager runs, whether the APIs
// need credentials, and the published ports. Plain data: the component only wires it.
import type { Settings } from "../../settings";
import { StackHost, apiAuthRequired, stackHosts } from "../hosts";
import type { Configured } from "../layout";
import { ServiceSpec, SyncSpec, serviceSpecs, syncSpec } from "./services";

export interface HostPlan {
  host: StackHost;
  /** Its containers, in the order they are declared. */
  services: ServiceSpec[];
  /** The sync steps of each container that reads generated files. */
  syncs: Partial<Record<Configured, SyncSpec>>;
}

export interface MonitoringStackPlan {
  hosts: HostPlan[];
  /** Alertmanager runs on the hosts (false with AMP, whose Alertmanager sends). */
  alertmanager: boolean;
  /** The APIs take the API user's credentials over TLS (HA, or a non-loopback bindAddress). */
  apiAuth: boolean;
  /** The host ports the stack's URLs name. */
  ports: { prometheus: number; alertmanager: number; grafana: number };
}

export function monitoringStackPlan(settings: Settings): MonitoringStackPlan {
  const { prometheus, alertmanager, grafana } = settings.docker.ports;
  return {
    hosts: stackHosts(settings).map((host) => {
      const services = serviceSpecs(settings, host);
      const syncs = Object.fromEntries(services.flatMap((s) => (s.config ? [[s.config, syncSpec(settings, { ...s, config: s.config })]] : [])));
      return { host, services, syncs };
    }),
    alertmanager: !settings.aws.amp.enabled,
    apiAuth: apiAuthRequired(settings),
    ports: { prometheus, alertmanager, grafana },
  };
}
