// The local HA cluster's certificates, made with openssl: a throwaway CA and, for each
// Alertmanager peer, a key and a certificate for 127.0.0.1 that it serves and dials with (the
// Docker stack makes the same with the TLS provider, components/cluster-certificates.ts).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { findBinary } from "./processes";

export interface PeerPem {
  ca: string;
  cert: string;
  key: string;
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

/** Writes the CA and each peer's files under dir (mode 0700) and returns their contents by peer. */
export function makeClusterPki(dir: string, peers: string[], address: string): Record<string, PeerPem> {
  const openssl = findBinary("openssl");
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = (name: string) => path.join(dir, name);
  const run = (args: string[]) => execFileSync(openssl, args, { stdio: ["ignore", "ignore", "pipe"] });
  run(["req", "-x509", ...EC, "-keyout", file("ca.key"), "-out", file("ca.pem"), "-days", "2", "-subj", "/CN=ananta local cluster CA",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  fs.writeFileSync(file("peer.ext"), `subjectAltName=IP:${address}\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n`);
  const ca = fs.readFileSync(file("ca.pem"), "utf8");
  return Object.fromEntries(
    peers.map((peer) => {
      run(["req", ...EC, "-keyout", file(`${peer}.key`), "-out", file(`${peer}.csr`), "-subj", `/CN=alertmanager-${peer}`]);
      run(["x509", "-req", "-in", file(`${peer}.csr`), "-CA", file("ca.pem"), "-CAkey", file("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", file("peer.ext"), "-out", file(`${peer}.pem`)]);
      return [peer, { ca, cert: fs.readFileSync(file(`${peer}.pem`), "utf8"), key: fs.readFileSync(file(`${peer}.key`), "utf8") }];
    }),
  );
}
