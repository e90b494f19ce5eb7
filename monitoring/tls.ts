// The stack's TLS, whenever its APIs are reachable beyond loopback (hosts.ts, apiAuthRequired):
// one CA per stack, and per host one key and certificate that the host's Prometheus and
// Alertmanager serve their APIs with, and that its Alertmanager gossips with. Every client
// (replicas scraping and alerting, Grafana, the sync step, the tools) verifies it with the CA.
import { SECRETS, DOCKER_PEERS } from "./layout";

/** The files in a version's secrets folder (0400): the CA's certificate, the host's certificate and key. */
export const TLS_FILES = { ca: "stack_ca.pem", cert: "host_cert.pem", key: "host_key.pem" } as const;

/** The CA certificate, relative to a version folder (as clients name it). */
export const TLS_CA = `${SECRETS}/${TLS_FILES.ca}`;

/** Loopback, where health checks and local clients connect. */
const LOOPBACK_IPS = ["127.0.0.1", "::1"];

/**
 * The names a host's certificate holds: its address (peers, people), loopback, and the network
 * aliases the containers on the host reach Prometheus and Alertmanager by (DOCKER_PEERS).
 */
export function hostCertificateNames(address: string): { ipAddresses: string[]; dnsNames: string[] } {
  return {
    // Host addresses are IP addresses (settings refuse names).
    ipAddresses: [...new Set([address, ...LOOPBACK_IPS])],
    dnsNames: ["localhost", ...[DOCKER_PEERS.prometheus, DOCKER_PEERS.alertmanager].map((p) => p.split(":")[0])],
  };
}

/** The scheme of the stack's Prometheus and Alertmanager APIs. */
export const apiScheme = (apiAuth: boolean | undefined): "https" | "http" => (apiAuth ? "https" : "http");
