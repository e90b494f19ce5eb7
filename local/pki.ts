// The local HA stack's certificates, made with openssl: a throwaway CA and, for each host, a key
// and a certificate for loopback that its Prometheus and Alertmanager serve their APIs with and
// its Alertmanager gossips with (the Docker stack makes the same with the TLS provider,
// components/stack-certificates.ts, for the same names: monitoring/tls.ts).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { hostCertificateNames } from "../monitoring/tls";
import { findBinary } from "./processes";

export interface HostPem {
  ca: string;
  cert: string;
  key: string;
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

/** Writes the CA and each host's files under dir (mode 0700) and returns their contents by host. */
export function makeStackPki(dir: string, hosts: string[], address: string): Record<string, HostPem> {
  const openssl = findBinary("openssl");
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = (name: string) => path.join(dir, name);
  const run = (args: string[]) => execFileSync(openssl, args, { stdio: ["ignore", "ignore", "pipe"] });
  run(["req", "-x509", ...EC, "-keyout", file("ca.key"), "-out", file("ca.pem"), "-days", "2", "-subj", "/CN=ananta local monitoring CA",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  const names = hostCertificateNames(address);
  const san = [...names.ipAddresses.map((ip) => `IP:${ip}`), ...names.dnsNames.map((dns) => `DNS:${dns}`)].join(",");
  fs.writeFileSync(file("host.ext"), `subjectAltName=${san}\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n`);
  const ca = fs.readFileSync(file("ca.pem"), "utf8");
  return Object.fromEntries(
    hosts.map((host) => {
      run(["req", ...EC, "-keyout", file(`${host}.key`), "-out", file(`${host}.csr`), "-subj", `/CN=monitoring-${host}`]);
      run(["x509", "-req", "-in", file(`${host}.csr`), "-CA", file("ca.pem"), "-CAkey", file("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", file("host.ext"), "-out", file(`${host}.pem`)]);
      return [host, { ca, cert: fs.readFileSync(file(`${host}.pem`), "utf8"), key: fs.readFileSync(file(`${host}.key`), "utf8") }];
    }),
  );
}
