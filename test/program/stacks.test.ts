import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { redactSecrets, resolve, runProgram, setUp } from "../helpers/pulumi-program";
import { SENTINEL, sentinelsIn } from "../helpers/sentinels";

describe("the Pulumi program", () => {
  it("dev: Docker monitoring only, no AWS resource", async () => {
    const run = await runProgram("dev");
    assert.ok(run.ofType("ananta:monitoring:MonitoringStack").length === 1);
    assert.deepEqual(run.resources.filter((r) => r.type.startsWith("aws:")), []);
    assert.equal(run.values.environment, "dev");
    assert.equal(run.values.snsTopicArns, undefined);
  });

  it("prod: Docker monitoring plus the AWS side", async () => {
    const run = await runProgram("prod", { secrets: SENTINEL });
    assert.equal(run.ofType("ananta:monitoring:MonitoringStack").length, 1);
    assert.equal(run.ofType("ananta:aws:AwsAlerting").length, 1);
    assert.deepEqual(Object.keys(run.values.snsTopicArns as object).sort(), ["critical", "infrastructure", "slo", "warning"]);
  });

  it("prod: no secret value reaches any resource input or output except as a Pulumi secret", async () => {
    const run = await runProgram("prod", { secrets: SENTINEL });
    for (const r of run.resources) {
      assert.deepEqual(sentinelsIn(JSON.stringify(redactSecrets(r.inputs))), [], `${r.type} ${r.name} holds a secret in plaintext`);
    }
    for (const [name, output] of Object.entries(run.outputs)) {
      if (output === undefined) continue;
      const value = JSON.stringify(await resolve(output as pulumi.Input<unknown>));
      if (sentinelsIn(value).length > 0) assert.ok(await pulumi.isSecret(pulumi.output(output)), `stack output ${name} shows a secret`);
    }
  });

  it("index.ts runs as the Pulumi entry point and exports the stack outputs", async () => {
    await setUp("dev");
    const index = await import("../../index");
    assert.equal(index.environment, "dev");
    assert.ok(pulumi.Output.isInstance(index.prometheusUrl));
  });
});
