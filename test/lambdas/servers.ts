// Local HTTP servers standing in for PagerDuty, Slack and SSM (the forwarders' signed requests
// speak SSM's JSON protocol to it), with every request recorded. Ports are chosen by the OS.
import * as http from "node:http";
import { AddressInfo } from "node:net";

export interface Recorded {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Arrival time (epoch ms). */
  at: number;
}

/** What the server does with one request: answer, or misbehave. */
export type Reply = { status: number; body?: string; headers?: Record<string, string> } | "hang" | "drop";

export interface FakeServer {
  url: string;
  requests: Recorded[];
  /** Decides each answer; tests swap it. */
  reply: (req: Recorded) => Reply;
  close(): Promise<void>;
}

export async function startServer(reply: (req: Recorded) => Reply): Promise<FakeServer> {
  const requests: Recorded[] = [];
  const fake = { requests, reply } as FakeServer;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const recorded = { path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() };
      requests.push(recorded);
      const r = fake.reply(recorded);
      if (r === "drop") req.socket.destroy();
      else if (r !== "hang") res.writeHead(r.status, r.headers).end(r.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  fake.url = `http://127.0.0.1:${port}`;
  fake.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return fake;
}

/** An SSM stand-in answering GetParameter from a fixed map (ParameterNotFound otherwise). */
export function startSsm(parameters: Record<string, string>): Promise<FakeServer> {
  return startServer((req) => {
    const target = req.headers["x-amz-target"];
    const { Name, WithDecryption } = JSON.parse(req.body || "{}") as { Name?: string; WithDecryption?: boolean };
    const json = { "content-type": "application/x-amz-json-1.1" };
    if (target !== "AmazonSSM.GetParameter" || WithDecryption !== true) {
      return { status: 400, headers: json, body: JSON.stringify({ __type: "ValidationException", message: `unexpected ${target} (WithDecryption ${WithDecryption})` }) };
    }
    if (!Name || !(Name in parameters)) {
      return { status: 400, headers: json, body: JSON.stringify({ __type: "ParameterNotFound", message: `Parameter ${Name} not found.` }) };
    }
    return { status: 200, headers: json, body: JSON.stringify({ Parameter: { Name, Type: "SecureString", Value: parameters[Name], Version: 1 } }) };
  });
}

/**
 * A CloudWatch stand-in answering DescribeAlarms (query protocol, XML) from a map of alarm name →
 * current state; an alarm it does not know comes back as no alarm.
 */
export function startCloudWatch(alarms: Record<string, { state: string; since: string }>): Promise<FakeServer> {
  return startServer((req) => {
    const q = new URLSearchParams(req.body);
    if (q.get("Action") !== "DescribeAlarms") return { status: 400, body: "<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>" };
    const name = q.get("AlarmNames.member.1") ?? "";
    const a = alarms[name];
    const member = a ? `<member><AlarmName>${name}</AlarmName><StateValue>${a.state}</StateValue><StateUpdatedTimestamp>${a.since}</StateUpdatedTimestamp></member>` : "";
    return { status: 200, headers: { "content-type": "text/xml" }, body: `<DescribeAlarmsResponse><DescribeAlarmsResult><MetricAlarms>${member}</MetricAlarms><CompositeAlarms/></DescribeAlarmsResult></DescribeAlarmsResponse>` };
  });
}

/** Points the forwarders' SSM and CloudWatch calls at local servers (as AWS_ENDPOINT_URL_<SERVICE> does for the SDK) for a test suite. */
export function useAwsEndpoints(ssm: string, cloudwatch?: string): () => void {
  const keys = ["AWS_ENDPOINT_URL_SSM", "AWS_ENDPOINT_URL_CLOUDWATCH", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] as const;
  const saved = keys.map((k) => [k, process.env[k]] as const);
  Object.assign(process.env, { AWS_ENDPOINT_URL_SSM: ssm, AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "AKIATESTTESTTEST", AWS_SECRET_ACCESS_KEY: "test-secret-key" }, cloudwatch ? { AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatch } : {});
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
