// The local pipeline: a stack rendered for loopback and run with real prometheus and
// prometheus-alertmanager processes, the demo service as every scrape target, and local
// receivers for every notification. One machinery for `npm run local` and the e2e test.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeTree } from "./write-tree";
import { FileTree, renderFiles } from "../monitoring/files";
import { FILES, Peers, alertmanagerSecretFiles } from "../monitoring/layout";
import { Settings, parseSettings, readStackFile } from "../settings";
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

export class LocalPipeline {
  readonly processes: ManagedProcess[] = [];
  prometheusUrl = "";
  alertmanagerUrl = "";
  settings!: Settings;
  files: FileTree = {};
  /** Process data (TSDB, notification log): temporary, removed on stop or, failing that, at exit. */
  private dataDir?: string;
  private readonly removeData = () => {
    if (this.dataDir) fs.rmSync(this.dataDir, { recursive: true, force: true });
    removePipelineState(this.dir);
  };

  private constructor(
    readonly dir: string,
    readonly demo: DemoService,
    readonly receivers: Receivers,
    readonly secrets: LocalSecrets,
  ) {}

  /** Starts everything; on any failure stops what was started and rethrows. */
  static async start(options: PipelineOptions): Promise<LocalPipeline> {
    const binaries = { prometheus: findBinary(BINARIES.prometheus), alertmanager: findBinary(BINARIES.alertmanager) };
    const raw = readStackFile(options.stackFile);
    const base = parseSettings(raw, options.stackFile, { requireSecrets: false });
    const secrets: LocalSecrets = { pagerdutyKey: randomBytes(16).toString("hex"), smtpPassword: randomBytes(12).toString("hex") };
    const receivers = new Receivers({ slackChannels: slackChannelsOf(base), receiverChannels: channelsOfReceivers(base), ...secrets, onNotification: options.onNotification });
    const pipeline = new LocalPipeline(path.resolve(options.dir), new DemoService(base.services), receivers, secrets);
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
    this.settings = localSettings(raw, source, {
      demo: this.demo.endpoints,
      webhookBaseUrl: this.receivers.webhookBaseUrl,
      pagerdutyUrl: this.receivers.pagerdutyUrl,
      smarthost: this.receivers.smarthost,
    });
    const [promPort, amPort] = await freePorts(2);
    const peers: Peers = {
      prometheus: `${LOOPBACK}:${promPort}`,
      alertmanager: `${LOOPBACK}:${amPort}`,
      // Not started locally (exporters are off in localSettings); Grafana is not part of the pipeline.
      nodeExporter: `${LOOPBACK}:9100`,
      cadvisor: `${LOOPBACK}:8080`,
      grafana: `${LOOPBACK}:3000`,
    };
    const tree = path.join(this.dir, "tree");
    const secretsDir = path.join(this.dir, "secrets");
    this.files = renderFiles(this.settings, { secretsDir, peers });
    fs.mkdirSync(tree, { recursive: true });
    writeTree(tree, this.files);
    this.writeSecrets(secretsDir);

    const data = fs.mkdtempSync(path.join(os.tmpdir(), "ananta-local-data-"));
    this.dataDir = data;
    // A Ctrl-C that also ends the reader of our output (`npm run local | tee`) may end this
    // process before stop() is done; the data goes in any case.
    process.once("exit", this.removeData);
    this.alertmanagerUrl = `http://${peers.alertmanager}`;
    const alertmanager = this.spawn("alertmanager", binaries.alertmanager, [
      `--config.file=${path.join(tree, FILES.alertmanagerConfig)}`,
      `--storage.path=${path.join(data, "alertmanager")}`,
      `--web.listen-address=${peers.alertmanager}`,
      // An empty address turns clustering off: no gossip port, nothing beyond loopback.
      "--cluster.listen-address=",
    ]);
    await alertmanager.waitReady(`${this.alertmanagerUrl}/-/ready`);
    this.prometheusUrl = `http://${peers.prometheus}`;
    const prometheus = this.spawn("prometheus", binaries.prometheus, [
      `--config.file=${path.join(tree, FILES.prometheusConfig)}`,
      `--storage.tsdb.path=${path.join(data, "prometheus")}`,
      `--web.listen-address=${peers.prometheus}`,
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

  /** Secret files the rendered Alertmanager config names, pointing at the local stand-ins (mode 0600). */
  private writeSecrets(dir: string): void {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const { file, secret } of alertmanagerSecretFiles(this.settings)) {
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
