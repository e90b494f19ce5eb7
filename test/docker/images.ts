// Stand-in images for the Docker test, built here with `docker build` (no registry is reachable)
// from Debian's packages, laid out like the official images where the stack relies on them:
// the binaries in /bin (prometheus and promtool, alertmanager and amtool, node_exporter), busybox
// for `sh` and `wget`, user nobody (65534), the official entrypoints, data folders and default
// commands. curl's image keeps curl at /usr/bin/curl as curlimages/curl does. Grafana and cAdvisor
// have no Debian package: the test leaves them out (README, "Docker stack on a real engine").
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { docker } from "./engine";

/** The images of the stand-ins, by the role the stack gives them; `tag` lets a test make a second version. */
export const standIn = (role: "prometheus" | "alertmanager" | "nodeExporter" | "curl" | "busybox", tag = "1") => `ananta-standin/${role.toLowerCase()}:${tag}`;

/** A binary's shared libraries, as ldd lists them; none for a static one (ldd then exits 1). */
function libraries(binary: string): string[] {
  let out: string;
  try {
    out = execFileSync("ldd", [binary], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return [];
  }
  return [...out.matchAll(/(\/\S+\.so[^\s]*) \(0x/g)].map((m) => m[1]);
}

interface Layout {
  /** Host binary → path in the image. */
  binaries: Record<string, string>;
  /** Other files of the package the binaries read, at the same path. */
  files?: string[];
  /** Folders owned by nobody (data, configuration). */
  owned: string[];
  user?: string;
  workdir?: string;
  entrypoint?: string[];
  cmd?: string[];
}

const LAYOUTS: Record<"prometheus" | "alertmanager" | "nodeExporter" | "curl" | "busybox", Layout> = {
  prometheus: {
    binaries: { "/usr/bin/prometheus": "/bin/prometheus", "/usr/bin/promtool": "/bin/promtool" },
    owned: ["/prometheus", "/etc/prometheus"],
    user: "nobody",
    workdir: "/prometheus",
    entrypoint: ["/bin/prometheus"],
    cmd: ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"],
  },
  alertmanager: {
    binaries: { "/usr/bin/prometheus-alertmanager": "/bin/alertmanager", "/usr/bin/amtool": "/bin/amtool" },
    // Debian's Alertmanager reads its default templates from files, not from the binary.
    files: ["/usr/share/prometheus/alertmanager/default.tmpl", "/usr/share/prometheus/alertmanager/email.tmpl"],
    owned: ["/alertmanager", "/etc/alertmanager"],
    user: "nobody",
    workdir: "/alertmanager",
    entrypoint: ["/bin/alertmanager"],
    cmd: ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"],
  },
  nodeExporter: { binaries: { "/usr/bin/prometheus-node-exporter": "/bin/node_exporter" }, owned: [], user: "nobody", entrypoint: ["/bin/node_exporter"] },
  curl: { binaries: { "/usr/bin/curl": "/usr/bin/curl" }, owned: [], entrypoint: ["/usr/bin/curl"] },
  busybox: { binaries: {}, owned: [], cmd: ["sh"] },
};

/** Builds every stand-in under `tag` (skipping those already built) in a scratch folder. */
export async function buildStandIns(workDir: string, tag = "1"): Promise<void> {
  for (const [role, layout] of Object.entries(LAYOUTS) as [keyof typeof LAYOUTS, Layout][]) {
    const image = standIn(role, tag);
    if ((await docker(["image", "inspect", image], { allowFailure: true })).code === 0) continue;
    const context = path.join(workDir, `${role}-${tag}`);
    const root = path.join(context, "rootfs");
    const put = (from: string, to: string) => {
      fs.mkdirSync(path.join(root, path.dirname(to)), { recursive: true });
      fs.copyFileSync(from, path.join(root, to));
      fs.chmodSync(path.join(root, to), 0o755);
    };
    // busybox-static needs no library; a dynamic busybox brings its own.
    for (const [from, to] of Object.entries({ "/bin/busybox": "/bin/busybox", ...layout.binaries })) {
      put(from, to);
      for (const lib of libraries(from)) put(fs.realpathSync(lib), lib);
    }
    for (const f of layout.files ?? []) {
      fs.mkdirSync(path.join(root, path.dirname(f)), { recursive: true });
      fs.copyFileSync(f, path.join(root, f));
    }
    fs.mkdirSync(path.join(root, "etc"), { recursive: true });
    fs.writeFileSync(path.join(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n");
    fs.writeFileSync(path.join(root, "etc/group"), "root:x:0:\nnogroup:x:65534:\n");
    const dockerfile = [
      "FROM scratch",
      "COPY rootfs/ /",
      'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
      ...(layout.owned.length > 0 ? [`RUN mkdir -p ${layout.owned.join(" ")} /tmp && chown -R 65534:65534 ${layout.owned.join(" ")} && chmod 1777 /tmp`] : ['RUN mkdir -p /tmp && chmod 1777 /tmp']),
      'SHELL ["/bin/sh", "-c"]',
      ...(layout.user ? [`USER ${layout.user}`] : []),
      ...(layout.workdir ? [`WORKDIR ${layout.workdir}`] : []),
      ...(layout.entrypoint ? [`ENTRYPOINT ${JSON.stringify(layout.entrypoint)}`] : []),
      ...(layout.cmd ? [`CMD ${JSON.stringify(layout.cmd)}`] : []),
    ];
    fs.writeFileSync(path.join(context, "Dockerfile"), `${dockerfile.join("\n")}\n`);
    await docker(["build", "--quiet", "--tag", image, "--label", "ananta.test=standin", context]);
  }
}
