// Credentials of the Prometheus and Alertmanager APIs when they are reachable beyond loopback
// (hosts.ts, apiAuthRequired): one user, whose password every client reads from a 0400 file and
// whose bcrypt hash the servers' web configuration holds, over TLS with the stack's CA (tls.ts).
// The password, the web configuration and the host's key are secret files.
import { toYaml } from "./yaml";
import { SECRETS } from "./layout";
import { TLS_CA, TLS_FILES } from "./tls";

export const API_USER = "monitoring";
/** The password, in the version folder of every service that calls an API (relative to it). */
export const API_PASSWORD = `${SECRETS}/api_password`;
/** `--web.config.file` of Prometheus and Alertmanager (relative to the version folder). */
export const WEB_CONFIG = `${SECRETS}/web.yml`;

/**
 * The web configuration (exporter-toolkit): TLS with the host's certificate (paths relative to
 * this file, which sits beside them) and basic auth for the one API user. The servers read it at
 * every request and handshake, so a new version takes effect once its link is switched.
 */
export const webConfig = (bcryptHash: string): string =>
  toYaml({ tls_server_config: { cert_file: TLS_FILES.cert, key_file: TLS_FILES.key }, basic_auth_users: { [API_USER]: bcryptHash } });

/** How Prometheus calls an API of the stack (a peer's, an Alertmanager's): https, the CA, basic auth (paths relative to prometheus.yml's version). */
export const prometheusApiClient = {
  scheme: "https",
  tls_config: { ca_file: TLS_CA },
  basic_auth: { username: API_USER, password_file: API_PASSWORD },
} as const;
