// Credentials of the Prometheus and Alertmanager APIs when they are reachable beyond loopback
// (hosts.ts, apiAuthRequired): one user, whose password every client reads from a 0400 file and
// whose bcrypt hash the servers' web configuration holds. Both files are secret files.
import { toYaml } from "./yaml";
import { SECRETS } from "./layout";

export const API_USER = "monitoring";
/** The password, in the version folder of every service that calls an API (relative to it). */
export const API_PASSWORD = `${SECRETS}/api_password`;
/** `--web.config.file` of Prometheus and Alertmanager (relative to the version folder). */
export const WEB_CONFIG = `${SECRETS}/web.yml`;

/** The web configuration (exporter-toolkit): basic auth for the one API user. */
export const webConfig = (bcryptHash: string): string => toYaml({ basic_auth_users: { [API_USER]: bcryptHash } });

/** A Prometheus client's basic auth: the password read from the version's file (paths in prometheus.yml are relative to it). */
export const prometheusBasicAuth = { basic_auth: { username: API_USER, password_file: API_PASSWORD } };
