// Settings for a stack run on loopback: the stack file's values, overridden through the loader
// (never by editing YAML) so that every scrape target is the demo service, every receiver is a
// local stand-in, and intervals are short enough to watch an outage page and resolve.
import { RawConfig, Settings, parseSettings } from "../settings";
import type { DemoEndpoint } from "./demo-service";

/** Short intervals and `for` durations: an outage pages within seconds, not minutes. */
export const LOCAL_TIMING = {
  docker: { scrapeInterval: "1s", evaluationInterval: "1s" },
  alerts: { serviceDownFor: "5s", criticalErrorFor: "10s", highErrorFor: "20s", latencyFor: "20s", deploymentWindow: "1m" },
  // HA: the last of three peers waits 2 x 1s, well inside the 5s group interval.
  alertmanager: { groupWait: "2s", groupInterval: "5s", peerTimeout: "1s" },
} as const;

/**
 * The keys local mode replaces (LOCAL_TIMING) that this stack file sets itself, with both values:
 * a reload applies everything else, and these are said rather than silently kept.
 */
export function localOverrides(raw: RawConfig): string[] {
  const out: string[] = [];
  for (const [section, keys] of Object.entries(LOCAL_TIMING) as [string, Record<string, string>][]) {
    const own = obj(raw.values[section]);
    for (const [k, local] of Object.entries(keys)) {
      if (own[k] !== undefined && String(own[k]) !== local) out.push(`${section}.${k} (${String(own[k])} in the stack file, ${local} here)`);
    }
  }
  return out;
}

export interface LocalEndpoints {
  demo: DemoEndpoint[];
  /** Dev mode: receivers post to <webhookBaseUrl><receiver-name>. */
  webhookBaseUrl: string;
  /** Production mode: the fake PagerDuty Events API and the SMTP sink. */
  pagerdutyUrl: string;
  smarthost: string;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});

/**
 * HA on loopback: the peers' hosts, so that the rules are the HA stack's (its redundancy alerts,
 * no page for one peer down). Nothing contacts these Docker hosts; the pipeline runs processes.
 */
const loopbackHosts = (names: string[]) => names.map((name, i) => ({ name, host: `tcp://127.0.0.${i + 1}:2375`, address: `127.0.0.${i + 1}` }));

/** The raw stack values with local targets, receivers and timing; validated by parseSettings. */
export function localSettings(raw: RawConfig, source: string, endpoints: LocalEndpoints, haHosts: string[] = []): Settings {
  const v = raw.values;
  const { host, bindAddress, ...docker } = obj(v.docker);
  const target = new Map(endpoints.demo.map((d) => [d.service, d.target]));
  const notifications = obj(v.notifications);
  const pagerduty = obj(notifications.pagerduty);
  const email = obj(notifications.email);
  const values: Obj = {
    ...v,
    services: (Array.isArray(v.services) ? (v.services as Obj[]) : []).map((s) => ({ ...s, targets: target.has(String(s.name)) ? [target.get(String(s.name))] : [] })),
    // Node exporter and cAdvisor are not started locally; scraping them would only add noise.
    docker: {
      ...docker,
      ...(haHosts.length > 0 ? { hosts: loopbackHosts(haHosts) } : { host, bindAddress }),
      ...LOCAL_TIMING.docker,
      exporters: { nodeExporter: false, cadvisor: false },
    },
    // Nor are the stack's database and cache exporters reachable from here.
    exporterTargets: { postgres: [], redis: [] },
    // AMP's path (SNS and the forwarders) does not run here: the stack's own Alertmanager shows
    // its routing with the same data (test/e2e/amp.test.ts runs AMP's configuration).
    aws: { ...obj(v.aws), amp: { enabled: false } },
    alerts: { ...obj(v.alerts), ...LOCAL_TIMING.alerts },
    alertmanager: { ...obj(v.alertmanager), ...LOCAL_TIMING.alertmanager },
    notifications: {
      ...notifications,
      localWebhookUrl: endpoints.webhookBaseUrl,
      pagerduty: { ...pagerduty, url: endpoints.pagerdutyUrl },
      email: { ...email, smarthost: endpoints.smarthost, requireTls: false },
    },
  };
  // Every secret the stack could need is written locally (to fakes), so all are present.
  const teams = Object.entries(obj(notifications.teams)).flatMap(([id, t]) => (obj(t).slack ? [id] : []));
  const secrets = { pagerdutyKey: true, slackWebhooks: teams, smtpPassword: true, grafanaAdminPassword: true };
  return parseSettings({ ...raw, values, secrets, plaintextSecrets: [] }, `${source} (local overrides)`, { requireSecrets: false });
}
