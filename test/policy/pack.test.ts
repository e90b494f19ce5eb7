// The pack as the Pulumi engine runs it: its own process serving the analyzer gRPC API, asked
// about resources serialized as the engine sends them (secrets wrapped), without the CLI.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { AnalyzeRequest, AnalyzeResponse, AnalyzerInfo, AnalyzerResourceOptions, EnforcementLevel } from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { INVARIANTS } from "../../policy/invariants";
import { ManagedProcess } from "../../local/processes";
import { ROOT } from "../helpers/pulumi-program";

// The engine's marker for a secret value in serialized properties.
const SECRET_SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
const secret = (value: unknown) => ({ ...SECRET_SIG, value });

describe("the policy pack served to the engine", function () {
  this.timeout(60_000);
  let pack: ManagedProcess;
  let client: AnalyzerClient;

  before(async () => {
    // As the CLI's policy analyzer starts it: Pulumi's own runner (ts-node, type-checked) in the
    // pack's folder, with an engine address it does not need here; it prints the port it serves.
    const runner = path.join(ROOT, "node_modules/@pulumi/pulumi/cmd/run-policy-pack");
    pack = new ManagedProcess("policy pack", process.execPath, [runner, "127.0.0.1:1", "."], path.join(ROOT, "policy"));
    const port = await new Promise<string>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`the pack printed no port:\n${pack.logTail()}`)), 30_000);
      const poll = setInterval(() => {
        const m = pack.logTail().match(/^(\d+)$/m);
        if (m || !pack.running) {
          clearInterval(poll);
          clearTimeout(deadline);
          if (m) resolve(m[1]);
          else reject(new Error(`the pack exited:\n${pack.logTail()}`));
        }
      }, 100);
    });
    client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  after(async () => {
    client?.close();
    await pack?.stop();
  });

  const call = <Req, Res>(method: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown, req: Req) =>
    new Promise<Res>((resolve, reject) => method.call(client, req, (err, res) => (err ? reject(err) : resolve(res))));

  const analyze = async (type: string, properties: Record<string, unknown>) => {
    const req = new AnalyzeRequest().setType(type).setName("r").setUrn(`urn:pulumi:prod::ananta-monitoring::${type}::r`).setProperties(Struct.fromJavaScript(properties as never)).setOptions(new AnalyzerResourceOptions());
    const res = await call<AnalyzeRequest, AnalyzeResponse>(client.analyze, req);
    return res.getDiagnosticsList().map((d) => ({ policy: d.getPolicyname(), level: d.getEnforcementlevel(), message: d.getMessage() }));
  };

  it("announces every invariant, mandatory", async () => {
    const info = await call<Empty, AnalyzerInfo>(client.getAnalyzerInfo, new Empty());
    assert.equal(info.getName(), "ananta-invariants");
    const policies = info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()]);
    assert.deepEqual(policies, INVARIANTS.map((p) => [p.name, EnforcementLevel.MANDATORY]));
  });

  it("blocks a secret that reaches a Lambda's environment even as a Pulumi secret, and names no value", async () => {
    const hook = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX";
    const found = await analyze("aws:lambda/function:Function", { environment: { variables: { SLACK_WEBHOOK: secret(hook) } } });
    assert.deepEqual(found.map((d) => [d.policy, d.level]), [["no-secrets-in-lambda-environment", EnforcementLevel.MANDATORY]]);
    assert.ok(!found[0].message.includes(hook));
  });

  it("blocks a port on every interface, and passes one bound to an address", async () => {
    const found = await analyze("docker:index/container:Container", { ports: [{ internal: 9090, external: 9090 }] });
    assert.deepEqual(found.map((d) => d.policy), ["no-container-port-on-all-interfaces"]);
    assert.deepEqual(await analyze("docker:index/container:Container", { ports: [{ internal: 9090, external: 9090, ip: "127.0.0.1" }] }), []);
  });
});
