// The local pipeline: a stack rendered for loopback and run with real prometheus and
// prometheus-alertmanager processes, the demo service as every scrape target, and local
// receivers for every notification. One machinery for `npm run local` and the e2e test.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { FileTree, renderFiles } from "../monitoring/files";
import { CURRENT, Configured, FILES, Peers, SECRETS, alertmanagerSecretFiles, filesOf, ownerOf } from "../monitoring/layout";
import { CHECKS, RELOADS, syncScript } from "../monitoring/sync";
import { RawConfig, Settings, parseSettings, readStackFile } from "../settings";
import { DemoService } from "./demo-service";
import { localSettings } from "./local-settings";
import { removePipelineState, writePipelineState } from "./pipeline-state";
import { LOOPBACK, freePorts } from "./ports";
import { ManagedProcess, findBinary } from "./processes";
import { Notification, Receivers, channelsOfReceivers, slackChannelsOf } from "./receivers";

export const BINARIES = { prometheus: "prometheus", alertmanager: "prometheus-alertmanager" } as const;

export interface PipelineOptions {
  stackFile: string;
  /** Folder the rendered tree, secret files and process data go to (created if missing). */
  dir: string;
  onNotification?: (n: Notification) => void;
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

/** The services the pipeline runs, and so configures. */
const RUN: Configured[] = ["prometheus", "alertmanager"];

export class LocalPipeline {
  readonly processes: ManagedProcess[] = [];
  prometheusUrl = "";
  alertmanagerUrl = "";
  settings!: Settings;
  files: FileTree = {};
  private peers!: Peers;
  private endpoints!: Parameters<typeof localSettings>[2];
  private running = false;
  /** Process data (TSDB, notification log): temporary, removed on stop or, failing that, at exit. */
  private dataDir?: string;
  private readonly removeData = () => {
    if (this.dataDir) fs.rmSync(this.dataDir, { recursive: true, force: true });
    removePipelineState(this.dir);
  };

  private constructor(
    readonly dir: string,
    readonly stackFile: string,
    readonly demo: DemoService,
    readonly receivers: Receivers,
    readonly secrets: LocalSecrets,
  ) {}

  /** The folder a service reads its configuration from (`<live>/current/...`). */
  live(service: Configured): string {
    return path.join(this.dir, "live", service);
  }

  /** Starts everything; on any failure stops what was started and rethrows. */
  static async start(options: PipelineOptions): Promise<LocalPipeline> {
    const binaries = { prometheus: findBinary(BINARIES.prometheus), alertmanager: findBinary(BINARIES.alertmanager) };
    const raw = readStackFile(options.stackFile);
    const base = parseSettings(raw, options.stackFile, { requireSecrets: false });
    const secrets: LocalSecrets = { pagerdutyKey: randomBytes(16).toString("hex"), smtpPassword: randomBytes(12).toString("hex") };
    const receivers = new Receivers({ slackChannels: slackChannelsOf(base), receiverChannels: channelsOfReceivers(base), ...secrets, onNotification: options.onNotification });
    const pipeline = new LocalPipeline(path.resolve(options.dir), options.stackFile, new DemoService(base.services), receivers, secrets);
    try {
      await pipeline.launch(raw, options.stackFile, binaries);
      return pipeline;
    } catch (err) {
      await pipeline.stop();
      throw err;
    }
  }

  private async launch(raw: ReturnType<typeof readStackFile>, source: string, binaries: { prometheus: string; alertmanager: string }): Promise<void> {
    await this.demo.start();
    await this.receivers.start();
    this.endpoints = {
      demo: this.demo.endpoints,
      webhookBaseUrl: this.receivers.webhookBaseUrl,
      pagerdutyUrl: this.receivers.pagerdutyUrl,
      smarthost: this.receivers.smarthost,
    };
    const [promPort, amPort] = await freePorts(2);
    this.peers = {
      prometheus: `${LOOPBACK}:${promPort}`,
      alertmanager: `${LOOPBACK}:${amPort}`,
      // Not started locally (exporters are off in localSettings); Grafana is not part of the pipeline.
      nodeExporter: `${LOOPBACK}:9100`,
      cadvisor: `${LOOPBACK}:8080`,
      grafana: `${LOOPBACK}:3000`,
    };
    const settings = this.settingsFrom(raw, source);
    // Not running yet: the sync step checks and places the files, with nothing to reload.
    await this.apply(settings, this.render(settings));
    this.running = true;
    const peers = this.peers;
    const data = fs.mkdtempSync(path.join(os.tmpdir(), "ananta-local-data-"));
    this.dataDir = data;
    // A Ctrl-C that also ends the reader of our output (`npm run local | tee`) may end this
    // process before stop() is done; the data goes in any case.
    process.once("exit", this.removeData);
    this.alertmanagerUrl = `http://${peers.alertmanager}`;
    const alertmanager = this.spawn("alertmanager", binaries.alertmanager, [
      `--config.file=${this.localPath(FILES.alertmanagerConfig)}`,
      `--storage.path=${path.join(data, "alertmanager")}`,
      `--web.listen-address=${peers.alertmanager}`,
      // An empty address turns clustering off: no gossip port, nothing beyond loopback.
      "--cluster.listen-address=",
    ]);
    await alertmanager.waitReady(`${this.alertmanagerUrl}/-/ready`);
    this.prometheusUrl = `http://${peers.prometheus}`;
    const prometheus = this.spawn("prometheus", binaries.prometheus, [
      `--config.file=${this.localPath(FILES.prometheusConfig)}`,
      `--storage.tsdb.path=${path.join(data, "prometheus")}`,
      `--web.listen-address=${peers.prometheus}`,
      // The sync step reloads it through POST /-/reload.
      "--web.enable-lifecycle",
    ]);
    await prometheus.waitReady(`${this.prometheusUrl}/-/ready`);
    writePipelineState(this.dir, {
      pid: process.pid,
      stackFile: source,
      prometheusUrl: this.prometheusUrl,
      alertmanagerUrl: this.alertmanagerUrl,
      controlUrl: this.demo.controlUrl,
      dataDir: data,
    });
  }

  private spawn(name: string, binary: string, args: string[]): ManagedProcess {
    const p = new ManagedProcess(name, binary, args);
    this.processes.push(p);
    return p;
  }

  private settingsFrom(raw: RawConfig, source: string): Settings {
    return localSettings(raw, source, this.endpoints);
  }

  /** The tree for loopback: Alertmanager reads secrets under its live folder's `current`. */
  render(settings: Settings): FileTree {
    return renderFiles(settings, { secretsDir: path.join(this.live("alertmanager"), CURRENT, SECRETS), peers: this.peers });
  }

  /** Where a rendered file is read on loopback: the live folder's `current`, as containerPath is in a container. */
  localPath(file: string): string {
    const { service, path: inner } = ownerOf(file);
    return path.join(this.live(service), CURRENT, inner);
  }

  /**
   * Re-reads the stack file (edits included) and makes the result live by the same
   * validate-then-reload step the Docker stack runs; throws SyncError with the tool's message
   * when a service refuses its new files, leaving that service's running configuration as it was.
   */
  async reload(): Promise<string[]> {
    const settings = this.settingsFrom(readStackFile(this.stackFile), this.stackFile);
    return this.apply(settings, this.render(settings));
  }

  /** Stages each service's files (and its secrets) and runs the sync step on them. */
  async apply(settings: Settings, files: FileTree): Promise<string[]> {
    const said: string[] = [];
    const refused: string[] = [];
    for (const service of RUN) {
      const staged = path.join(this.dir, "staging", service);
      fs.rmSync(staged, { recursive: true, force: true });
      for (const [inner, content] of filesOf(service, files)) write(path.join(staged, inner), content);
      if (service === "alertmanager") this.writeSecrets(settings, path.join(staged, SECRETS));
      const script = syncScript({
        service,
        staged,
        live: this.live(service),
        url: this.running ? `http://${this.peers[service]}` : undefined,
        check: CHECKS[service],
        reload: RELOADS[service],
      });
      const r = await sh(script);
      (r.code === 0 ? said : refused).push(r.output.trim());
    }
    if (refused.length > 0) throw new SyncError(refused.join("\n"));
    this.settings = settings;
    this.files = files;
    return said;
  }

  /** Secret files the rendered Alertmanager config names, pointing at the local stand-ins. */
  private writeSecrets(settings: Settings, dir: string): void {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const { file, secret } of alertmanagerSecretFiles(settings)) {
      const value =
        secret === "pagerdutyKey"
          ? this.secrets.pagerdutyKey
          : secret === "smtpPassword"
            ? this.secrets.smtpPassword
            : this.receivers.slackWebhookUrl(secret.slice("slackWebhooks.".length));
      // No trailing newline: Alertmanager 0.25 does not trim auth_password_file.
      fs.writeFileSync(path.join(dir, file), value, { mode: 0o600 });
    }
  }

  /** Stops Prometheus first (no more alerts sent), then Alertmanager, the demo and the receivers. */
  async stop(): Promise<void> {
    for (const p of [...this.processes].reverse()) await p.stop();
    await Promise.all([this.demo.stop(), this.receivers.stop()]);
    this.removeData();
    process.removeListener("exit", this.removeData);
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
