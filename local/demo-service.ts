// The demo service: one loopback /metrics endpoint per configured service, exposing the
// conventional metrics (the names each service's settings give), with synthetic traffic whose
// availability, error ratio and latency a control endpoint changes while it runs.
import * as http from "node:http";
import { Counter, Histogram, Registry } from "prom-client";
import type { ResolvedService } from "../settings";
import { Command, ControlError, HEALTHY, ServiceState, parseCommand } from "./demo-control";
import { LOOPBACK, closeServer, listenLoopback } from "./ports";

const REQUESTS_PER_SECOND = 20;
const TICK_MS = 250;
const BASE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Histogram buckets: the usual ones plus every latency-SLO threshold, so `le` matches them exactly. */
export function bucketsFor(service: ResolvedService): number[] {
  return [...new Set([...BASE_BUCKETS, ...service.slo.latency.map((l) => l.thresholdSeconds)])].sort((a, b) => a - b);
}

class SimulatedService {
  readonly registry = new Registry();
  state: ServiceState = { ...HEALTHY };
  private readonly requests: Counter<"code">;
  private readonly duration: Histogram<"code">;
  private errorCarry = 0;

  constructor(readonly service: ResolvedService) {
    this.requests = new Counter({ name: service.metrics.requests, help: "HTTP requests served", labelNames: ["code"], registers: [this.registry] });
    this.duration = new Histogram({
      name: service.metrics.duration,
      help: "HTTP request duration in seconds",
      labelNames: ["code"],
      buckets: bucketsFor(service),
      registers: [this.registry],
    });
    // Both codes exist from the start, so rates are 0 rather than absent.
    for (const code of ["200", "500"]) {
      this.requests.labels(code).inc(0);
      this.duration.labels(code).observe(0);
    }
  }

  /** Serves `n` requests; the error share is exact over time (no randomness to flake on). */
  serve(n: number): void {
    if (!this.state.up) return;
    for (let i = 0; i < n; i++) {
      this.errorCarry += this.state.errorRatio;
      const code = this.errorCarry >= 1 ? "500" : "200";
      if (code === "500") this.errorCarry -= 1;
      this.requests.labels(code).inc();
      this.duration.labels(code).observe(this.state.latencySeconds);
    }
  }
}

export interface DemoEndpoint {
  service: string;
  job: string;
  target: string;
}

export class DemoService {
  private readonly services = new Map<string, SimulatedService>();
  private readonly servers: http.Server[] = [];
  private timer?: NodeJS.Timeout;
  endpoints: DemoEndpoint[] = [];
  controlUrl = "";

  constructor(services: readonly ResolvedService[]) {
    for (const s of services) this.services.set(s.name, new SimulatedService(s));
  }

  get names(): string[] {
    return [...this.services.keys()];
  }

  async start(): Promise<void> {
    for (const sim of this.services.values()) {
      const server = http.createServer((req, res) => {
        if (req.url !== "/metrics") return end(res, 404, "not found\n");
        if (!sim.state.up) return end(res, 503, "down (demo outage)\n");
        sim.registry.metrics().then((text) => end(res, 200, text, sim.registry.contentType), (err) => end(res, 500, String(err)));
      });
      const port = await this.listen(server);
      this.endpoints.push({ service: sim.service.name, job: sim.service.job, target: `${LOOPBACK}:${port}` });
    }
    const control = http.createServer((req, res) => this.handleControl(req, res));
    this.controlUrl = `http://${LOOPBACK}:${await this.listen(control)}`;
    const perTick = (REQUESTS_PER_SECOND * TICK_MS) / 1000;
    this.timer = setInterval(() => this.services.forEach((s) => s.serve(perTick)), TICK_MS);
  }

  /** Applies one command; returns the resulting states. */
  apply(command: Command): Record<string, ServiceState> {
    if (command.kind === "set") {
      const sim = this.services.get(command.service)!;
      sim.state = { ...sim.state, ...command.change };
    }
    return this.states();
  }

  /** Parses and applies a command given as words (terminal line or URL path). */
  run(words: string[]): Record<string, ServiceState> {
    return this.apply(parseCommand(words, this.names));
  }

  states(): Record<string, ServiceState> {
    return Object.fromEntries([...this.services].map(([name, s]) => [name, { ...s.state }]));
  }

  private handleControl(req: http.IncomingMessage, res: http.ServerResponse): void {
    const words = decodeURIComponent((req.url ?? "/").split("?")[0]).split("/").filter(Boolean);
    if (req.method === "GET" && words.length === 0) return end(res, 200, JSON.stringify(this.states(), null, 2) + "\n", "application/json");
    if (req.method !== "POST") return end(res, 405, "use POST /<service>/<command>[/<value>] or GET /\n");
    try {
      end(res, 200, JSON.stringify(this.run(words), null, 2) + "\n", "application/json");
    } catch (err) {
      if (err instanceof ControlError) end(res, 400, `${err.message}\n`);
      else end(res, 500, String(err));
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.servers.map(closeServer));
  }

  private listen(server: http.Server): Promise<number> {
    this.servers.push(server);
    return listenLoopback(server);
  }
}

function end(res: http.ServerResponse, status: number, body: string, type = "text/plain"): void {
  res.writeHead(status, { "content-type": type }).end(body);
}

