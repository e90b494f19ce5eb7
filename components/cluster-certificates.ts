// The certificates of the Alertmanager gossip cluster (HA): a CA of this stack, and for each
// peer a key and a certificate it both serves and dials with, naming the address the other
// peers reach it at. Private keys exist only as Pulumi secrets and 0400 files.
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { StackHost } from "../monitoring/hosts";

export interface PeerCertificate {
  ca: pulumi.Output<string>;
  cert: pulumi.Output<string>;
  key: pulumi.Output<string>;
}

const KEY = { algorithm: "ECDSA", ecdsaCurve: "P256" };
// Renewed by the `pulumi up` that runs in the last 30 days of five years; peers read it at start.
const PEER_VALIDITY = { validityPeriodHours: 5 * 365 * 24, earlyRenewalHours: 30 * 24 };

export function clusterCertificates(name: string, hosts: StackHost[], opts: pulumi.CustomResourceOptions): Record<string, PeerCertificate> {
  const caKey = new tls.PrivateKey(`${name}-cluster-ca-key`, KEY, opts);
  const ca = new tls.SelfSignedCert(
    `${name}-cluster-ca`,
    {
      privateKeyPem: caKey.privateKeyPem,
      isCaCertificate: true,
      validityPeriodHours: 10 * 365 * 24,
      allowedUses: ["cert_signing", "crl_signing"],
      subject: { commonName: `${name} Alertmanager cluster CA` },
    },
    opts,
  );
  return Object.fromEntries(
    hosts.map((h) => {
      const key = new tls.PrivateKey(`${name}-${h.name}-cluster-key`, KEY, opts);
      const request = new tls.CertRequest(
        `${name}-${h.name}-cluster-csr`,
        { privateKeyPem: key.privateKeyPem, subject: { commonName: `${name}-${h.name}-alertmanager` }, ipAddresses: [h.address] },
        opts,
      );
      const cert = new tls.LocallySignedCert(
        `${name}-${h.name}-cluster-cert`,
        {
          certRequestPem: request.certRequestPem,
          caPrivateKeyPem: caKey.privateKeyPem,
          caCertPem: ca.certPem,
          ...PEER_VALIDITY,
          allowedUses: ["digital_signature", "key_encipherment", "server_auth", "client_auth"],
        },
        opts,
      );
      return [h.name, { ca: ca.certPem, cert: cert.certPem, key: pulumi.secret(key.privateKeyPem) }];
    }),
  );
}
