// The local pipeline: a stack rendered for loopback and run with real prometheus and
// prometheus-alertmanager processes, the demo service as every scrape target, and local
// receivers for every notification. One machinery for `npm run local` and the e2e tests.
// With `ha`, it runs the HA stack's model: two Prometheus replicas sending to three
// Alertmanager peers that gossip over mutual TLS, every API behind basic auth over TLS.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { hashSync } from "bcryptjs";
import { clusterFlags } from "../monitoring/alertmanager/cluster";
import { type ApiAccess, apiFetch } from "../tools/prometheus-api";
import { TLS_CA, TLS_FILES, apiScheme } from "../monitoring/tls";
import { API_PASSWORD, API_USER, WEB_CONFIG, webConfig } from "../monitoring/api-auth";
import { SLO_SERIES, WATCHDOG_ALERT } from "../monitoring/conventions";
import { FileTree, renderFiles } from "../monitoring/files";
import { CURRENT, FILES, Peers, SECRETS, alertmanagerSecretFiles, filesOf, ownerOf } from "../monitoring/layout";
import { CHECKS, RELOADS, syncScript } from "../monitoring/sync";
import { RawConfig, Settings, parseSettings, readStackFile } from "../settings";
import { DemoService } from "./demo-service";
import { localOverrides, localSettings } from "./local-settings";
import { alive, removePipelineState, writePipelineState } from "./pipeline-state";
import { HostPem, makeStackPki } from "./pki";
import { LOOPBACK, freePorts } from "./ports";
import { ManagedProcess, findBinary } from "./processes";
import { Notification, Receivers, channelsOfReceivers, slackChannelsOf } from "./receivers";

export const BINARIES = { prometheus: "prometheus", alertmanager: "prometheus-alertmanager" } as const;

type Run = "prometheus" | "alertmanager";

/** HA on loopback: the replicas and the peers, by host name. */
export const HA_TOPOLOGY: Record<Run, string[]> = { prometheus: ["a", "b"], alertmanager: ["a", "b", "c"] };

export interface PipelineOptions {
  stackFile: string;
  /** Folder the rendered tree, secret files and process data go to (created if missing). */
  dir: string;
  onNotification?: (n: Notification) => void;
  /** An instance exited without being told to (a crash, an OOM kill): its name, exit code and last output. */
  onUnexpectedExit?: (name: string, code: number | null, logTail: string) => void;
  /** Run HA_TOPOLOGY instead of one Prometheus and one Alertmanager. */
  ha?: boolean;
}

/** Fake secret values for the local stand-ins: PagerDuty and SMTP check them, Slack URLs point home. */
export interface LocalSecrets {
  pagerdutyKey: string;
  smtpPassword: string;
}

/** A service refused its new files: its check's message. The running configuration is unchanged. */
export class SyncError extends Error {
  override name = "SyncError";
}

/** One process of the pipeline: a Prometheus replica or an Alertmanager peer. */
export interface Instance {
  service: Run;
  /** `prometheus` and `alertmanager`; in HA `prometheus-a`, `alertmanager-c`. */
  name: string;
  /** HA: its host (the replica label, the peer's certificate). */
  host?: string;
  /** host:port of its API. */
  listen: string;
  /** HA peers: host:port of its gossip. */
  gossip?: string;
  url: string;
}

export class LocalPipeline {
  readonly processes: ManagedProcess[] = [];
  readonly instances: Instance[] = [];
  settings!: Settings;
  /** The tree of the first instance of each service (as `render` shows it). */
  files: FileTree = {};
  private peers!: Peers;
  private endpoints!: Parameters<typeof localSettings>[2];
  private running = false;
  private binaries!: Record<Run, string>;
  private readonly byName = new Map<string, ManagedProcess>();
  /** Instances being stopped on purpose (stop, kill): their exit is no news. */
  private readonly stopping = new Set<string>();
  private onUnexpectedExit?: PipelineOptions["onUnexpectedExit"];
  /** HA: the API user's password, its bcrypt hash, and each host's certificate. */
  private api?: { password: string; hash: string };
  private pki: Record<string, HostPem> = {};
  /** Process data (TSDB, notification log): temporary, removed on stop or, failing that, at exit. */
  private dataDir?: string;
  private readonly removeData = () => {
    if (this.dataDir) fs.rmSync(this.dataDir, { recursive: true, force: true });
    fs.rmSync(path.join(this.dir, "pki"), { recursive: true, force: true });
    removePipelineState(this.dir);
  };

  private constructor(
    readonly dir: string,
    readonly stackFile: string,
    readonly demo: DemoService,
    readonly receivers: Receivers,
    readonly secrets: LocalSecrets,
    readonly ha: boolean,
  ) {}

  get prometheusUrl(): string {
    return this.of("prometheus")[0]?.url ?? "";
  }

  get alertmanagerUrl(): string {
    return this.of("alertmanager")[0]?.url ?? "";
  }

  /** The instances of one service, in order. */
  of(service: Run): Instance[] {
    return this.instances.filter((i) => i.service === service);
  }

  /** What every API call needs: in HA the API user's credentials and the CA of the certificates. */
  get access(): ApiAccess {
    const ca = Object.values(this.pki)[0]?.ca;
    return this.api ? { credentials: { user: API_USER, password: this.api.password }, ca } : {};
  }

  /** HA: a file holding the API user's password (the first peer's own copy). */
  get apiPasswordFile(): string | undefined {
    return this.api ? path.join(this.live(this.of("alertmanager")[0].name), CURRENT, API_PASSWORD) : undefined;
  }

  /** HA: the CA certificate (the first peer's copy). */
  get apiCaFile(): string | undefined {
    return this.api ? path.join(this.live(this.of("alertmanager")[0].name), CURRENT, TLS_CA) : undefined;
  }

  /** The folder an instance reads its configuration from (`<live>/current/...`). */
  live(name: string): string {
    return path.join(this.dir, "live", name);
  }

  /** Starts everything; on any failure stops what was started and rethrows. */
  static async start(options: PipelineOptions): Promise<LocalPipeline> {
    const binaries = { prometheus: findBinary(BINARIES.prometheus), alertmanager: findBinary(BINARIES.alertmanager) };
    const raw = readStackFile(options.stackFile);
    const base = parseSettings(raw, options.stackFile, { requireSecrets: false });
    const secrets: LocalSecrets = { pagerdutyKey: randomBytes(16).toString("hex"), smtpPassword: randomBytes(12).toString("hex") };
    const receivers = new Receivers({ slackChannels: slackChannelsOf(base), receiverChannels: channelsOfReceivers(base), ...secrets, onNotification: options.onNotification });
    const pipeline = new LocalPipeline(path.resolve(options.dir), options.stackFile, new DemoService(base.services), receivers, secrets, options.ha ?? false);
    pipeline.binaries = binaries;
    pipeline.onUnexpectedExit = options.onUnexpectedExit;
    try {
      await pipeline.launch(raw, options.stackFile);
      return pipeline;
    } catch (err) {
      await pipeline.stop();
      throw err;
    }
  }

  private async launch(raw: RawConfig, source: string): Promise<void> {
    await this.demo.start();
    await this.receivers.start();
    this.endpoints = {
      demo: this.demo.endpoints,
      webhookBaseUrl: this.receivers.webhookBaseUrl,
      pagerdutyUrl: this.receivers.pagerdutyUrl,
      smarthost: this.receivers.smarthost,
    };
    const topology: Record<Run, (string | undefined)[]> = this.ha ? HA_TOPOLOGY : { prometheus: [undefined], alertmanager: [undefined] };
    const ports = await freePorts(topology.prometheus.length + 2 * topology.alertmanager.length);
    const at = (port: number) => `${LOOPBACK}:${port}`;
    for (const service of ["alertmanager", "prometheus"] as const) {
      for (const host of topology[service]) {
        const listen = at(ports.pop()!);
        this.instances.push({ service, name: host ? `${service}-${host}` : service, host, listen, url: `${apiScheme(this.ha)}://${listen}`, gossip: this.ha && service === "alertmanager" ? at(ports.pop()!) : undefined });
      }
    }
    this.peers = {
      prometheus: this.of("prometheus")[0].listen,
      alertmanager: this.of("alertmanager")[0].listen,
      // Not started locally (exporters are off in localSettings); Grafana is not part of the pipeline.
      nodeExporter: `${LOOPBACK}:9100`,
      cadvisor: `${LOOPBACK}:8080`,
      grafana: `${LOOPBACK}:3000`,
    };
    if (this.ha) {
      const password = randomBytes(24).toString("base64url");
      this.api = { password, hash: hashSync(password, 10) };
      this.pki = makeStackPki(path.join(this.dir, "pki"), [...new Set([...HA_TOPOLOGY.prometheus, ...HA_TOPOLOGY.alertmanager])], LOOPBACK);
    }
    const settings = this.settingsFrom(raw, source);
    // Not running yet: the sync step checks and places the files, with nothing to reload.
    await this.apply(settings);
    this.running = true;
    removeStaleData();
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), DATA_PREFIX));
    fs.writeFileSync(path.join(this.dataDir, OWNER_FILE), String(process.pid));
    // A Ctrl-C that also ends the reader of our output (`npm run local | tee`) may end this
    // process before stop() is done; the data goes in any case.
    process.once("exit", this.removeData);
    // Alertmanager first: Prometheus sends from its first evaluation.
    for (const i of this.of("alertmanager")) this.startProcess(i);
    for (const i of this.of("alertmanager")) await this.byName.get(i.name)!.waitReady(`${i.url}/-/ready`, 30_000, this.access);
    if (this.ha) await this.waitForCluster(this.of("alertmanager").length, 60_000);
    for (const i of this.of("prometheus")) this.startProcess(i);
    for (const i of this.of("prometheus")) await this.byName.get(i.name)!.waitReady(`${i.url}/-/ready`, 30_000, this.access);
    writePipelineState(this.dir, {
      pid: process.pid,
      stackFile: source,
      prometheusUrl: this.prometheusUrl,
      alertmanagerUrl: this.alertmanagerUrl,
      controlUrl: this.demo.controlUrl,
      dataDir: this.dataDir,
      ...(this.apiPasswordFile ? { apiPasswordFile: this.apiPasswordFile, apiCaFile: this.apiCaFile } : {}),
    });
  }

  /** The process's flags: its live files, its data, its address; in HA its credentials and peers. */
  private argsOf(i: Instance): string[] {
    const live = path.join(this.live(i.name), CURRENT);
    const web = this.api ? [`--web.config.file=${path.join(live, WEB_CONFIG)}`] : [];
    const data = path.join(this.dataDir!, i.name);
    if (i.service === "prometheus") {
      // --web.enable-lifecycle: the sync step reloads it through POST /-/reload.
      return [`--config.file=${this.localPath(FILES.prometheusConfig, i)}`, `--storage.tsdb.path=${data}`, `--web.listen-address=${i.listen}`, "--web.enable-lifecycle", ...web];
    }
    const cluster = i.gossip
      ? clusterFlags({
          listen: i.gossip,
          advertise: i.gossip,
          peers: this.of("alertmanager").filter((o) => o !== i).map((o) => o.gossip!),
          tlsConfig: this.localPath(FILES.clusterTls, i),
          peerTimeout: this.settings.alertmanager.peerTimeout,
        })
      : // An empty address turns clustering off: no gossip port, nothing beyond loopback.
        ["--cluster.listen-address="];
    return [`--config.file=${this.localPath(FILES.alertmanagerConfig, i)}`, `--storage.path=${data}`, `--web.listen-address=${i.listen}`, ...web, ...cluster];
  }

  private startProcess(i: Instance): ManagedProcess {
    const p = new ManagedProcess(i.name, this.binaries[i.service], this.argsOf(i));
    this.processes.push(p);
    this.byName.set(i.name, p);
    this.stopping.delete(i.name);
    void p.exited.then((code) => {
      if (this.running && !this.stopping.has(i.name) && this.byName.get(i.name) === p) this.onUnexpectedExit?.(i.name, code, p.logTail(5));
    });
    return p;
  }

  /** The running process of an instance, if it runs. */
  process(name: string): ManagedProcess | undefined {
    const p = this.byName.get(name);
    return p?.running ? p : undefined;
  }

  /** Stops one instance: SIGKILL to crash it as a host would, SIGTERM to stop it cleanly. */
  async kill(name: string, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const p = this.byName.get(name);
    if (!p) throw new Error(`no instance ${name}; instances: ${this.instances.map((i) => i.name).join(", ")}`);
    this.stopping.add(name);
    await p.stop(5000, signal);
  }

  /** Starts a stopped instance again, on its data and live files; resolves once it is ready. */
  async restart(name: string): Promise<void> {
    const i = this.instances.find((x) => x.name === name);
    if (!i) throw new Error(`no instance ${name}; instances: ${this.instances.map((x) => x.name).join(", ")}`);
    if (this.process(name)) return;
    await this.startProcess(i).waitReady(`${i.url}/-/ready`, 30_000, this.access);
  }

  /** Each running peer's view of the gossip cluster (Alertmanager's /api/v2/status). */
  async cluster(): Promise<{ name: string; status: string; members: number }[]> {
    const running = this.of("alertmanager").filter((i) => this.process(i.name));
    return Promise.all(
      running.map(async (i) => {
        const res = await apiFetch(`${i.url}/api/v2/status`, this.access, { timeoutMs: 2000 });
        const { cluster } = (await res.json()) as { cluster: { status: string; peers?: unknown[] } };
        return { name: i.name, status: cluster.status, members: cluster.peers?.length ?? 0 };
      }),
    );
  }

  /** Resolves once every running peer has settled in a cluster of `members` (notifications wait for that). */
  async waitForCluster(members: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await this.cluster().catch(() => []);
      if (view.length > 0 && view.every((v) => v.status === "ready" && v.members === members)) return;
      if (Date.now() > deadline) throw new Error(`the Alertmanager cluster did not settle with ${members} members in ${timeoutMs} ms: ${JSON.stringify(view)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  private settingsFrom(raw: RawConfig, source: string): Settings {
    return localSettings(raw, source, this.endpoints, this.ha ? HA_TOPOLOGY.alertmanager : []);
  }

  /** The tree one instance reads: its own secrets folder, and in HA its replica and every peer. */
  private renderFor(settings: Settings, i: Instance): FileTree {
    return renderFiles(settings, {
      secretsDir: path.join(this.live(i.name), CURRENT, SECRETS),
      peers: { ...this.peers, [i.service]: i.listen },
      cluster: this.ha ? { replica: i.host!, prometheus: this.of("prometheus").map((p) => p.listen), alertmanager: this.of("alertmanager").map((a) => a.listen) } : undefined,
      apiAuth: this.ha,
    });
  }

  /** Where an instance reads a rendered file (the first of its service by default): its live folder's `current`. */
  localPath(file: string, instance?: Instance): string {
    const { service, path: inner } = ownerOf(file);
    const i = instance ?? this.instances.find((x) => x.service === service)!;
    return path.join(this.live(i.name), CURRENT, inner);
  }

  /**
   * Re-reads the stack file (edits included) and makes the result live by the same
   * validate-then-reload step the Docker stack runs; throws SyncError with the tool's message
   * when a service refuses its new files, leaving that service's running configuration as it was.
   */
  async reload(): Promise<string[]> {
    const raw = readStackFile(this.stackFile);
    const said = await this.apply(this.settingsFrom(raw, this.stackFile));
    const kept = localOverrides(raw);
    return kept.length > 0 ? [...said, `local mode keeps its own timing for ${kept.join(", ")}; pulumi up applies the stack file's`] : said;
  }

  /** Firing alerts and each SLO's budget left, as the first Prometheus reports them (for `status`). */
  async sloStatus(): Promise<{ firing: string[]; budgets: { service: string; slo: string; remaining: number }[] }> {
    const get = async <T>(p: string): Promise<T> => {
      const res = await apiFetch(`${this.prometheusUrl}${p}`, this.access, { timeoutMs: 5000 });
      return ((await res.json()) as { data: T }).data;
    };
    const alerts = await get<{ alerts: { labels: Record<string, string>; state: string }[] }>("/api/v1/alerts");
    const budget = await get<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent(SLO_SERIES.budgetRemaining)}`);
    return {
      firing: alerts.alerts
        .filter((a) => a.state === "firing" && a.labels.alertname !== WATCHDOG_ALERT)
        .map((a) => `${a.labels.alertname}${a.labels.service ? ` ${a.labels.service}` : ""}${a.labels.slo ? ` (SLO ${a.labels.slo})` : ""} [${a.labels.severity ?? "?"}]`)
        .sort(),
      budgets: budget.result.map((r) => ({ service: r.metric.service, slo: r.metric.slo, remaining: Number(r.value[1]) })).sort((a, b) => a.service.localeCompare(b.service) || a.slo.localeCompare(b.slo)),
    };
  }

  /** Renders each instance's files (edited by `edit`, e.g. to break one), stages them with its secrets, and syncs. */
  async apply(settings: Settings, edit: (tree: FileTree) => FileTree = (t) => t): Promise<string[]> {
    const said: string[] = [];
    const refused: string[] = [];
    const trees = new Map<string, FileTree>();
    for (const i of this.instances) {
      const tree = edit(this.renderFor(settings, i));
      trees.set(i.service, trees.get(i.service) ?? tree);
      const staged = path.join(this.dir, "staging", i.name);
      fs.rmSync(staged, { recursive: true, force: true });
      for (const [inner, content] of filesOf(i.service, tree)) write(path.join(staged, inner), content);
      this.writeSecrets(settings, i, staged);
      const script = syncScript({
        service: i.service,
        staged,
        live: this.live(i.name),
        url: this.running && this.process(i.name) ? i.url : undefined,
        auth: this.api ? { user: API_USER, passwordFile: API_PASSWORD } : undefined,
        ca: this.api ? TLS_CA : undefined,
        check: CHECKS[i.service],
        reload: RELOADS[i.service],
      });
      const r = await sh(script);
      const lines = r.output.trim().replace(new RegExp(`^${i.service}:`, "gm"), `${i.name}:`);
      (r.code === 0 ? said : refused).push(lines);
    }
    if (refused.length > 0) throw new SyncError(refused.join("\n"));
    this.settings = settings;
    this.files = { ...trees.get("prometheus"), ...trees.get("alertmanager") };
    return said;
  }

  /** Secret files an instance reads: Alertmanager's receivers' (local stand-ins), and in HA its credentials and its host's certificate. */
  private writeSecrets(settings: Settings, i: Instance, staged: string): void {
    fs.mkdirSync(path.join(staged, SECRETS), { recursive: true, mode: 0o700 });
    const put = (file: string, value: string) => fs.writeFileSync(path.join(staged, file), value, { mode: 0o600 });
    if (i.service === "alertmanager") {
      for (const { file, secret } of alertmanagerSecretFiles(settings)) {
        const value =
          secret === "pagerdutyKey"
            ? this.secrets.pagerdutyKey
            : secret === "smtpPassword"
              ? this.secrets.smtpPassword
              : this.receivers.slackWebhookUrl(secret.slice("slackWebhooks.".length));
        // No trailing newline: Alertmanager 0.25 does not trim auth_password_file.
        put(`${SECRETS}/${file}`, value);
      }
    }
    const pem = i.host ? this.pki[i.host] : undefined;
    if (pem) for (const [kind, file] of Object.entries(TLS_FILES)) put(`${SECRETS}/${file}`, pem[kind as keyof HostPem]);
    if (this.api) {
      put(API_PASSWORD, this.api.password);
      put(WEB_CONFIG, webConfig(this.api.hash));
    }
  }

  /** Stops Prometheus first (no more alerts sent), then Alertmanager, the demo and the receivers. */
  async stop(): Promise<void> {
    this.running = false;
    for (const p of [...this.processes].reverse()) await p.stop();
    await Promise.all([this.demo.stop(), this.receivers.stop()]);
    this.removeData();
    process.removeListener("exit", this.removeData);
  }
}

const DATA_PREFIX = "ananta-local-data-";
/** In each data folder: the pid of the pipeline that owns it. */
const OWNER_FILE = "owner.pid";

/** Data folders left by a pipeline that did not stop (SIGKILL, a crash): removed at the next start. */
function removeStaleData(): void {
  for (const name of fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(DATA_PREFIX))) {
    const dir = path.join(os.tmpdir(), name);
    let owner = NaN;
    try {
      owner = Number(fs.readFileSync(path.join(dir, OWNER_FILE), "utf8"));
    } catch {
      // no owner file: a folder being created right now, or one from before owners were written; keep it
      continue;
    }
    if (!Number.isInteger(owner) || !alive(owner)) fs.rmSync(dir, { recursive: true, force: true });
  }
}

function write(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** Runs a script with sh (the sync step), collecting what it prints. */
function sh(script: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const p = spawn("sh", ["-c", script], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    p.stdout.on("data", (d) => (output += d));
    p.stderr.on("data", (d) => (output += d));
    p.on("error", (err) => resolve({ code: -1, output: String(err) }));
    p.on("exit", (code) => resolve({ code: code ?? -1, output }));
  });
}
