// Applies the Docker resources the program registers (under Pulumi's mocks, test/helpers) to a real
// engine with the Docker provider's semantics, so the containers the stack defines run for real:
//
// - docker:Network: created by name (bridge). docker:Volume: created by name, kept across applies.
// - docker:RemoteImage: must exist locally (the stand-ins; no registry here); `imageId` resolves to it.
// - docker:Container, in registration order (which is the program's dependency order: stage,
//   service, reload): image, user, entrypoints + command, envs, networksAdvanced (one network and
//   its aliases) or networkMode, ports on the given address, volumes (named, read-only flag) and
//   host mounts, hosts, labels, restart, privileged, pidMode, healthcheck, stopTimeout. `uploads` are
//   copied in (with their permissions, owned by root) after create and before start, as the
//   provider does. `mustRun: false` + `attach` + `logs` runs the container to its end and records
//   its exit code and output (a one-shot). `wait` waits for Docker to report it healthy.
// - Inputs that name another resource's outputs (a mocked `<name>-id`, an image's `sha256:<name>`)
//   are resolved to the real ids, so a replaced stage changes its reload's inputs, as in Pulumi.
// - A later apply compares each container's resolved inputs with the last applied ones and
//   replaces only those that changed (stopping with `destroyGraceSeconds`, then removing: the
//   stack sets deleteBeforeReplace on its services), keeps the rest, and removes containers no
//   longer registered.
//
// Not emulated: the provider's refresh and drift detection, `rm`, `logOpts`, capabilities,
// devices, and parallel creation (resources are applied one at a time). Health checks run the
// program's command, at `healthInterval` instead of its 30 s so a test does not wait minutes.
import * as fs from "node:fs";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import type { Registered } from "../helpers/pulumi-program";
import { unwrapSecrets } from "../helpers/pulumi-program";
import { tmpDir } from "../helpers/tools";
import { docker, inspect } from "./engine";

const T = { network: "docker:index/network:Network", volume: "docker:index/volume:Volume", image: "docker:index/remoteImage:RemoteImage", container: "docker:index/container:Container" };

interface ContainerInputs {
  name?: string;
  image: string;
  user?: string;
  entrypoints?: string[];
  command?: string[];
  envs?: string[];
  networksAdvanced?: { name: string; aliases?: string[] }[];
  networkMode?: string;
  ports?: { internal: number; external: number; ip?: string; protocol?: string }[];
  volumes?: { volumeName?: string; hostPath?: string; containerPath: string; readOnly?: boolean }[];
  uploads?: { file: string; content: string; permissions?: string }[];
  labels?: { label: string; value: string }[];
  restart?: string;
  privileged?: boolean;
  pidMode?: string;
  healthcheck?: { tests: string[]; interval?: string; timeout?: string; retries?: number; startPeriod?: string };
  hosts?: { host: string; ip: string }[];
  stopTimeout?: number;
  destroyGraceSeconds?: number;
  mustRun?: boolean;
  wait?: boolean;
  waitTimeout?: number;
}

export interface ContainerResult {
  /** Resource name. */
  name: string;
  action: "created" | "replaced" | "kept";
  /** The Docker container's id and name. */
  id: string;
  dockerName: string;
  /** One-shots: exit code and what they printed. */
  exitCode?: number;
  logs?: string;
}

interface AppliedContainer {
  inputs: string;
  id: string;
  dockerName: string;
  graceSeconds: number;
}

export interface HarnessOptions {
  /** Leave these resources out (images with no stand-in). */
  skip?: (r: Registered) => boolean;
  /** The health checks' interval and start period in the test. */
  healthInterval?: string;
  /** Names every object the harness makes (labels and one-shot names), for cleanup. */
  runId: string;
}

export class Harness {
  private readonly containers = new Map<string, AppliedContainer>();
  private readonly networks = new Set<string>();
  private readonly volumes = new Set<string>();

  constructor(private readonly options: HarnessOptions) {}

  /** Applies one registration of the program; returns what happened to each container. */
  async apply(registered: Registered[]): Promise<ContainerResult[]> {
    const resources = registered.filter((r) => !this.options.skip?.(r)).map((r) => ({ ...r, inputs: unwrapSecrets(r.inputs) as Record<string, unknown> }));
    const images = new Map(resources.filter((r) => r.type === T.image).map((r) => [`sha256:${r.name}`, String(r.inputs.name)]));
    for (const [, ref] of images) await docker(["image", "inspect", ref]).catch(() => Promise.reject(new Error(`image ${ref} is not on the engine (no registry here: build the stand-ins first)`)));
    for (const r of resources.filter((x) => x.type === T.network)) await this.ensure("network", String(r.inputs.name), this.networks);
    for (const r of resources.filter((x) => x.type === T.volume)) await this.ensure("volume", String(r.inputs.name), this.volumes);

    const results: ContainerResult[] = [];
    const ids = new Map<string, string>();
    const resolve = (v: unknown): unknown => {
      if (typeof v === "string") return images.get(v) ?? (v.endsWith("-id") && ids.has(v.slice(0, -3)) ? ids.get(v.slice(0, -3)) : v);
      if (Array.isArray(v)) return v.map(resolve);
      if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
      return v;
    };
    const registeredNames = new Set<string>();
    for (const r of resources.filter((x) => x.type === T.container)) {
      registeredNames.add(r.name);
      const inputs = resolve(r.inputs) as ContainerInputs;
      const key = JSON.stringify(inputs);
      const before = this.containers.get(r.name);
      if (before && before.inputs === key) {
        ids.set(r.name, before.id);
        results.push({ name: r.name, action: "kept", id: before.id, dockerName: before.dockerName });
        continue;
      }
      if (before) await this.remove(before);
      const result = await this.create(r.name, inputs);
      ids.set(r.name, result.id);
      results.push({ ...result, action: before ? "replaced" : "created" });
    }
    for (const [name, c] of [...this.containers]) {
      if (!registeredNames.has(name)) {
        await this.remove(c);
        this.containers.delete(name);
      }
    }
    return results;
  }

  /** Removes every container, volume and network it made. */
  async destroy(): Promise<void> {
    for (const c of [...this.containers.values()].reverse()) await this.remove(c).catch(() => undefined);
    this.containers.clear();
    for (const v of this.volumes) await docker(["volume", "rm", "-f", v], { allowFailure: true });
    for (const n of this.networks) await docker(["network", "rm", n], { allowFailure: true });
  }

  private async ensure(kind: "network" | "volume", name: string, made: Set<string>): Promise<void> {
    if (made.has(name)) return;
    if ((await docker([kind, "inspect", name], { allowFailure: true })).code !== 0) await docker([kind, "create", "--label", `ananta.test=${this.options.runId}`, name]);
    made.add(name);
  }

  private async remove(c: AppliedContainer): Promise<void> {
    await docker(["stop", "--time", String(c.graceSeconds), c.id], { allowFailure: true });
    await docker(["rm", "--force", "--volumes=false", c.id], { allowFailure: true });
  }

  private async create(name: string, c: ContainerInputs): Promise<Omit<ContainerResult, "action">> {
    const oneShot = c.mustRun === false;
    const dockerName = c.name ?? `${name}-${this.options.runId}-${Date.now().toString(36)}`;
    const args = ["create", "--name", dockerName, "--label", `ananta.test=${this.options.runId}`];
    if (c.user) args.push("--user", c.user);
    const [entrypoint, ...entryArgs] = c.entrypoints ?? [];
    if (entrypoint) args.push("--entrypoint", entrypoint);
    for (const e of c.envs ?? []) args.push("--env", e);
    if (c.networkMode) args.push("--network", c.networkMode);
    const [network, ...more] = c.networksAdvanced ?? [];
    if (more.length > 0) throw new Error(`${name}: the harness joins one network per container`);
    if (network) {
      args.push("--network", network.name);
      for (const a of network.aliases ?? []) args.push("--network-alias", a);
    }
    for (const p of c.ports ?? []) args.push("--publish", `${p.ip ? `${p.ip.includes(":") ? `[${p.ip}]` : p.ip}:` : ""}${p.external}:${p.internal}/${p.protocol ?? "tcp"}`);
    for (const v of c.volumes ?? []) args.push("--volume", `${v.volumeName ?? v.hostPath}:${v.containerPath}${v.readOnly ? ":ro" : ""}`);
    for (const l of c.labels ?? []) args.push("--label", `${l.label}=${l.value}`);
    if (c.restart && !oneShot) args.push("--restart", c.restart);
    for (const h of c.hosts ?? []) args.push("--add-host", `${h.host}:${h.ip}`);
    if (c.privileged) args.push("--privileged");
    if (c.pidMode) args.push("--pid", c.pidMode);
    if (c.stopTimeout !== undefined) args.push("--stop-timeout", String(c.stopTimeout));
    if (c.healthcheck) {
      const [kind, ...test] = c.healthcheck.tests;
      // The CLI takes a shell command; a CMD list is the same words.
      args.push("--health-cmd", kind === "CMD-SHELL" ? test[0] : test.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(" "));
      args.push("--health-interval", this.options.healthInterval ?? c.healthcheck.interval ?? "30s", "--health-start-period", this.options.healthInterval ?? c.healthcheck.startPeriod ?? "0s");
      if (c.healthcheck.timeout) args.push("--health-timeout", c.healthcheck.timeout);
      if (c.healthcheck.retries !== undefined) args.push("--health-retries", String(c.healthcheck.retries));
    }
    args.push(c.image, ...entryArgs, ...(c.command ?? []));
    const id = (await docker(args)).stdout.trim();
    this.containers.set(name, { inputs: JSON.stringify(c), id, dockerName, graceSeconds: c.destroyGraceSeconds ?? c.stopTimeout ?? 10 });
    if (c.uploads && c.uploads.length > 0) await this.upload(id, c.uploads);
    if (oneShot) {
      const run = await docker(["start", "--attach", id], { allowFailure: true });
      const state = await inspect<{ State: { ExitCode: number } }>(id);
      const logs = await docker(["logs", id]);
      return { name, id, dockerName, exitCode: state.State.ExitCode, logs: `${logs.stdout}${logs.stderr}` || `${run.stdout}${run.stderr}` };
    }
    await docker(["start", id]);
    if (c.wait) await this.healthy(name, id, (c.waitTimeout ?? 60) * 1000);
    return { name, id, dockerName };
  }

  /** The provider's uploads: files written into the created container, root-owned, with their permissions. */
  private async upload(id: string, uploads: NonNullable<ContainerInputs["uploads"]>): Promise<void> {
    const dir = tmpDir("ananta-uploads-");
    try {
      for (const u of uploads) {
        const file = path.join(dir, u.file);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, u.content);
        fs.chmodSync(file, parseInt(u.permissions ?? "0644", 8));
      }
      // The top folders by name: a "." entry would give the container's / the temporary folder's mode.
      const tar = execFileSync("tar", ["-C", dir, "--owner=0", "--group=0", "-cf", "-", ...fs.readdirSync(dir)]);
      await docker(["cp", "-", `${id}:/`], { input: tar });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  private async healthy(name: string, id: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await inspect<{ State: { Status: string; Health?: { Status: string; Log?: { Output: string }[] } } }>(id);
      if (s.State.Health?.Status === "healthy") return;
      if (s.State.Status === "exited" || Date.now() > deadline) {
        const logs = await docker(["logs", "--tail", "20", id], { allowFailure: true });
        throw new Error(`${name} did not become healthy (${s.State.Status}, health ${s.State.Health?.Status}): ${s.State.Health?.Log?.at(-1)?.Output ?? ""}\n${logs.stdout}${logs.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
