// The stack's certificates (monitoring/tls.ts): a CA of this stack, and for each host a key and a
// certificate that its Prometheus and Alertmanager serve their APIs with and its Alertmanager
// gossips with, naming the address other hosts reach it at, loopback and the containers' aliases.
// Private keys exist only as Pulumi secrets and 0400 files. The resources keep the names they had
// when only the gossip cluster used them, so stacks that had them keep their CA.
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { StackHost } from "../monitoring/hosts";
import { hostCertificateNames } from "../monitoring/tls";

export interface HostCertificate {
  ca: pulumi.Output<string>;
  cert: pulumi.Output<string>;
  key: pulumi.Output<string>;
}

const KEY = { algorithm: "ECDSA", ecdsaCurve: "P256" };
// Renewed by the `pulumi up` that runs in the last 30 days of five years; servers read it at
// every handshake, the gossip at start.
const HOST_VALIDITY = { validityPeriodHours: 5 * 365 * 24, earlyRenewalHours: 30 * 24 };

/** The CA and each host's certificate, by host name. */
export function stackCertificates(name: string, hosts: StackHost[], opts: pulumi.CustomResourceOptions): Record<string, HostCertificate> {
  const caKey = new tls.PrivateKey(`${name}-cluster-ca-key`, KEY, opts);
  const ca = new tls.SelfSignedCert(
    `${name}-cluster-ca`,
    {
      privateKeyPem: caKey.privateKeyPem,
      isCaCertificate: true,
      validityPeriodHours: 10 * 365 * 24,
      allowedUses: ["cert_signing", "crl_signing"],
      subject: { commonName: `${name} monitoring CA` },
    },
    opts,
  );
  return Object.fromEntries(
    hosts.map((h) => {
      const id = h.name ? `${name}-${h.name}` : name;
      const key = new tls.PrivateKey(`${id}-cluster-key`, KEY, opts);
      const request = new tls.CertRequest(`${id}-cluster-csr`, { privateKeyPem: key.privateKeyPem, subject: { commonName: `${id}-monitoring` }, ...hostCertificateNames(h.address) }, opts);
      const cert = new tls.LocallySignedCert(
        `${id}-cluster-cert`,
        {
          certRequestPem: request.certRequestPem,
          caPrivateKeyPem: caKey.privateKeyPem,
          caCertPem: ca.certPem,
          ...HOST_VALIDITY,
          allowedUses: ["digital_signature", "key_encipherment", "server_auth", "client_auth"],
        },
        opts,
      );
      return [h.name, { ca: ca.certPem, cert: cert.certPem, key: pulumi.secret(key.privateKeyPem) }];
    }),
  );
}
