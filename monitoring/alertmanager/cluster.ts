// The Alertmanager gossip cluster of an HA stack: each peer's flags, and the mutual TLS its
// gossip runs over. Gossip carries silences and the notification log, so a host that could join
// unauthenticated could silence every page; with TLS only holders of a certificate signed by
// the stack's CA are peers. Alertmanager's TLS transport carries memberlist's packets over
// TCP streams, so the cluster port is TCP only.
import { toYaml } from "../yaml";
import { TLS_FILES } from "../tls";

/** `--cluster.tls-config`: serve and dial with the host's certificate (tls.ts); accept only the stack CA's. */
export function clusterTlsConfig(secretsDir: string): string {
  const file = (f: string) => `${secretsDir}/${f}`;
  const own = { cert_file: file(TLS_FILES.cert), key_file: file(TLS_FILES.key) };
  return toYaml({
    tls_server_config: { ...own, client_auth_type: "RequireAndVerifyClientCert", client_ca_file: file(TLS_FILES.ca) },
    tls_client_config: { ...own, ca_file: file(TLS_FILES.ca) },
  });
}

export interface ClusterMember {
  /** Where this peer listens for gossip (inside its container or on loopback). */
  listen: string;
  /** The address:port the other peers reach it at. */
  advertise: string;
  /** Every other peer's advertise address. */
  peers: string[];
  /** Path of the rendered cluster TLS configuration. */
  tlsConfig: string;
  /** How long each later peer waits per earlier one before it sends (alertmanager.peerTimeout). */
  peerTimeout: string;
}

export const clusterFlags = (m: ClusterMember): string[] => [
  `--cluster.listen-address=${m.listen}`,
  `--cluster.advertise-address=${m.advertise}`,
  ...m.peers.map((p) => `--cluster.peer=${p}`),
  `--cluster.tls-config=${m.tlsConfig}`,
  `--cluster.peer-timeout=${m.peerTimeout}`,
];
