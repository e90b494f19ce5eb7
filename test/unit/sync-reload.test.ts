// The sync step's reload against a local https server with basic auth, as the HA stack's APIs
// are served: every command the script runs is logged with its arguments by a wrapper in front
// of PATH, so the test sees exactly what `ps` on the host would see. The password (with quotes
// and a backslash, the characters a curl configuration escapes) must reach the server and be in
// no command's arguments; a certificate from another CA must not be trusted.
import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { API_PASSWORD, API_USER } from "../../monitoring/api-auth";
import { CURRENT } from "../../monitoring/layout";
import { syncScript } from "../../monitoring/sync";
import { TLS_CA } from "../../monitoring/tls";
import { makeStackPki } from "../../local/pki";
import { tmpDir } from "../helpers/tools";

const PASSWORD = `pa"ss\\w0rd:with$(x)`;
/** What the script may run, wrapped to log its arguments. */
const COMMANDS = ["curl", "sed", "cat", "wget", "base64", "readlink", "ln", "cp", "chmod", "mkdir", "rm", "date", "basename", "printf", "tr"];

interface Seen {
  method: string;
  url: string;
  authorization?: string;
}

function server(cert: { cert: string; key: string }, reloadStatus = 200): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const expected = `Basic ${Buffer.from(`${API_USER}:${PASSWORD}`).toString("base64")}`;
  const s = https.createServer(cert, (req, res) => {
    seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization });
    if (req.headers.authorization !== expected) return res.writeHead(401).end();
    res.writeHead(req.url === "/-/reload" ? reloadStatus : 200).end();
  });
  return new Promise((resolve) =>
    s.listen(0, "127.0.0.1", () =>
      resolve({ url: `https://127.0.0.1:${(s.address() as AddressInfo).port}`, seen, close: () => new Promise((r) => s.close(() => r())) }),
    ),
  );
}

describe("sync step: reload over TLS with the password on curl's input", function () {
  this.timeout(60_000);
  let dir: string;
  let bin: string;
  let log: string;
  let pki: ReturnType<typeof makeStackPki>;
  let other: ReturnType<typeof makeStackPki>;

  before(() => {
    dir = tmpDir("ananta-sync-reload-");
    pki = makeStackPki(path.join(dir, "pki"), ["a"], "127.0.0.1");
    other = makeStackPki(path.join(dir, "other-pki"), ["a"], "127.0.0.1");
    bin = path.join(dir, "bin");
    log = path.join(dir, "argv.log");
    fs.mkdirSync(bin);
    for (const c of COMMANDS) {
      const real = spawnSync("sh", ["-c", `command -v ${c}`], { encoding: "utf8" }).stdout.trim();
      if (!real.startsWith("/")) continue;
      fs.writeFileSync(path.join(bin, c), `#!/bin/sh\n/usr/bin/printf '%s\\n' "${c} $*" >>'${log}'\nexec ${real} "$@"\n`, { mode: 0o755 });
    }
  });

  /** Stages a version holding the password and the CA, and runs stage + reload against url. */
  async function sync(name: string, url: string): Promise<{ code: number; output: string; argv: string }> {
    const staged = path.join(dir, name, "staged");
    fs.mkdirSync(path.join(staged, "secrets"), { recursive: true });
    fs.writeFileSync(path.join(staged, API_PASSWORD), PASSWORD);
    fs.writeFileSync(path.join(staged, TLS_CA), pki.a.ca);
    fs.writeFileSync(path.join(staged, "prometheus.yml"), "global: {}\n");
    fs.writeFileSync(log, "");
    const live = path.join(dir, name, "live");
    const script = syncScript({ service: "prometheus", staged, live, check: [], url, auth: { user: API_USER, passwordFile: API_PASSWORD }, ca: TLS_CA, reload: ["/-/reload"] });
    // Not spawnSync: the server answers from this process's event loop.
    const p = spawn("sh", ["-c", script], { env: { PATH: `${bin}:/usr/bin:/bin` }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    p.stdout.on("data", (d) => (output += d));
    p.stderr.on("data", (d) => (output += d));
    const code = await new Promise<number>((resolve) => p.on("close", (c) => resolve(c ?? -1)));
    return { code, output, argv: fs.readFileSync(log, "utf8") };
  }

  it("reloads with the credentials, which no command's arguments hold", async () => {
    const s = await server(pki.a);
    try {
      const r = await sync("good", s.url);
      assert.equal(r.code, 0, r.output);
      assert.match(r.output, /^prometheus: reloaded v/m);
      assert.deepEqual(
        s.seen.map((x) => [x.method, x.url, x.authorization !== undefined]),
        [["GET", "/-/ready", true], ["POST", "/-/reload", true]],
      );
      assert.match(r.argv, /^curl --config - .*--cacert .*\/-\/reload$/m, "curl ran, wrapped");
      for (const secret of [PASSWORD, "w0rd", Buffer.from(`${API_USER}:${PASSWORD}`).toString("base64")]) assert.ok(!r.argv.includes(secret), `no argument holds ${secret}`);
    } finally {
      await s.close();
    }
  });

  it("does not trust a certificate from another CA: the step fails, back on the previous version", async () => {
    const good = await server(pki.a);
    try {
      assert.equal((await sync("untrusted", good.url)).code, 0, "a first version, live");
    } finally {
      await good.close();
    }
    const live = path.join(dir, "untrusted", "live");
    const first = fs.readlinkSync(path.join(live, CURRENT));
    const s = await server(other.a);
    try {
      const r = await sync("untrusted", s.url);
      assert.equal(r.code, 1, r.output);
      assert.match(r.output, /did not answer as expected \(curl exit 60\)/);
      assert.match(r.output, /back on the previous configuration/);
      assert.equal(s.seen.length, 0, "no request (and no password) went to it");
      assert.equal(fs.readlinkSync(path.join(live, CURRENT)), first);
    } finally {
      await s.close();
    }
  });

  it("switches back when the reload fails, and says not running when nothing listens", async () => {
    const s = await server(pki.a, 500);
    const url = s.url;
    try {
      const r = await sync("failing", url);
      assert.equal(r.code, 1, r.output);
      assert.match(r.output, /reload failed; back on the previous configuration/);
    } finally {
      await s.close();
    }
    const r = await sync("failing", url);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /not running yet; it reads v\S+ when it starts/);
  });
});
