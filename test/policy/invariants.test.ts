import * as assert from "node:assert/strict";
import { findSecrets, secretShapesIn } from "../../policy/secret-shapes";
import { policy, violations } from "./policy-args";

// Shapes as the services issue them (Slack's and PagerDuty's documented examples).
const WEBHOOK = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX";
const ROUTING_KEY = "e93facc04764012d7bfb002500d5d1a6";

const CONTAINER = "docker:index/container:Container";
const PARAMETER = "aws:ssm/parameter:Parameter";
const LAMBDA = "aws:lambda/function:Function";

describe("secret shapes", () => {
  it("recognises webhook URLs, routing keys, access keys, private keys, URL passwords and literals under secret names", () => {
    assert.deepEqual(secretShapesIn(`api_url: ${WEBHOOK}`), ["a Slack webhook URL"]);
    assert.deepEqual(secretShapesIn(`routing_key: ${ROUTING_KEY}`), ["a PagerDuty routing key", "a literal value for routing_key"]);
    assert.deepEqual(secretShapesIn("aws_access_key_id = AKIAIOSFODNN7EXAMPLE"), ["an AWS access key id"]);
    assert.deepEqual(secretShapesIn("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl"), ["a private key"]);
    assert.deepEqual(secretShapesIn("--storage.remote.url=https://admin:s3cret@example.com/write"), ["a password in a URL"]);
    assert.deepEqual(secretShapesIn("GF_SECURITY_ADMIN_PASSWORD=hunter2"), ["a literal value for GF_SECURITY_ADMIN_PASSWORD"]);
    assert.deepEqual(secretShapesIn('{"smtp_auth_password": "hunter2"}'), ["a literal value for smtp_auth_password"]);
  });

  it("passes references to secrets: files, templates, variables, and digests that only look random", () => {
    for (const text of [
      "smtp_auth_password_file: /etc/alertmanager/current/secrets/smtp_password",
      "routing_key_file: /etc/alertmanager/current/secrets/pagerduty_routing_key",
      "GF_SECURITY_ADMIN_PASSWORD__FILE=/etc/grafana/stack/current/secrets/admin_password",
      "password: $__file{/run/secrets/p}",
      "password: {{ .Values.password }}",
      "token: ",
      "sha256:" + "ab12".repeat(16),
      "https://hooks.slack.invalid/not-a-webhook",
      "http://prometheus:9090/-/ready",
    ]) {
      assert.deepEqual(secretShapesIn(text), [], text);
    }
  });

  it("reports where, by property path, and never the value", () => {
    const found = findSecrets({ envs: ["A=1", `HOOK=${WEBHOOK}`], nested: { apiToken: "abc123", token_file: "/x" } });
    assert.deepEqual(found, [
      { path: "envs[1]", kind: "a Slack webhook URL" },
      { path: "nested.apiToken", kind: "a literal value for apiToken" },
    ]);
  });
});

describe("policy no-plaintext-secrets", () => {
  const p = policy("no-plaintext-secrets");

  it("fails on a secret in an environment variable, a command or a plain file, without echoing it", async () => {
    const found = await violations(p, CONTAINER, {
      envs: ["GF_SECURITY_ADMIN_PASSWORD=hunter2hunter2"],
      command: ["--web.external-url=http://admin:hunter2@example.com"],
      uploads: [{ file: "/staging/alertmanager.yml", content: `receivers:\n  - name: slack\n    slack_configs:\n      - api_url: ${WEBHOOK}\n` }],
    });
    assert.equal(found.length, 3, found.join("\n"));
    assert.match(found[0], /^envs\[0\] holds a literal value for GF_SECURITY_ADMIN_PASSWORD/);
    assert.match(found[1], /^command\[0\] holds a password in a URL/);
    assert.match(found[2], /^uploads\[0\]\.content holds a Slack webhook URL/);
    for (const m of found) assert.ok(!m.includes("hunter2") && !m.includes(WEBHOOK), m);
  });

  it("fails on a secret file that is not 0400, and on a secret in a plain SSM String", async () => {
    assert.deepEqual(await violations(p, CONTAINER, { uploads: [{ file: "/staging/secrets/pagerduty_routing_key", content: ROUTING_KEY, permissions: "0644" }] }), [
      "upload /staging/secrets/pagerduty_routing_key is a secret file with permissions 0644; secret files must be 0400",
    ]);
    assert.equal((await violations(p, PARAMETER, { type: "String", value: ROUTING_KEY })).length, 1);
  });

  it("passes secrets in their sinks: 0400 secret files and SecureString values; and files that reference them", async () => {
    assert.deepEqual(
      await violations(p, CONTAINER, {
        envs: ["GF_SECURITY_ADMIN_PASSWORD__FILE=/etc/grafana/stack/current/secrets/admin_password"],
        uploads: [
          { file: "/staging/alertmanager.yml", content: "pagerduty_configs:\n  - routing_key_file: /etc/alertmanager/current/secrets/pagerduty_routing_key\n" },
          { file: "/staging/secrets/pagerduty_routing_key", content: ROUTING_KEY, permissions: "0400" },
          { file: "/staging/secrets/slack_webhook_critical", content: WEBHOOK, permissions: "0400" },
        ],
      }),
      [],
    );
    assert.deepEqual(await violations(p, PARAMETER, { type: "SecureString", value: WEBHOOK }), []);
    const key = "-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----\n";
    assert.deepEqual(await violations(p, "tls:index/certRequest:CertRequest", { privateKeyPem: key, ipAddresses: ["10.0.0.1"] }), []);
    assert.deepEqual(await violations(p, "tls:index/locallySignedCert:LocallySignedCert", { caPrivateKeyPem: key, certRequestPem: "-----BEGIN CERTIFICATE REQUEST-----" }), []);
    assert.equal((await violations(p, CONTAINER, { envs: [`KEY=${key}`] })).length, 1, "a key outside the TLS resources is a leak");
  });
});

describe("policy sns-topics-kms-encrypted", () => {
  const p = policy("sns-topics-kms-encrypted");
  const TOPIC = "aws:sns/topic:Topic";

  it("fails on a topic without a key or under the AWS-managed key", async () => {
    assert.match((await violations(p, TOPIC, { name: "t" }))[0], /kmsMasterKeyId is not set/);
    assert.match((await violations(p, TOPIC, { name: "t", kmsMasterKeyId: "alias/aws/sns" }))[0], /alias\/aws\/sns/);
  });

  it("passes a topic under a customer-managed key", async () => {
    assert.deepEqual(await violations(p, TOPIC, { name: "t", kmsMasterKeyId: "arn:aws:kms:eu-west-1:123456789012:key/1234" }), []);
  });
});

describe("policy no-wildcard-iam-actions", () => {
  const p = policy("no-wildcard-iam-actions");
  const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });

  it("fails on `*`, `service:*`, a `Get*` prefix and NotAction, in any document a resource carries", async () => {
    const found = await violations(p, "aws:iam/rolePolicy:RolePolicy", {
      policy: doc({ Sid: "All", Effect: "Allow", Action: "*", Resource: "*" }, { Sid: "Ssm", Effect: "Allow", Action: ["ssm:*", "ssm:Get*"], Resource: "*" }, { Sid: "Not", Effect: "Allow", NotAction: "iam:*", Resource: "*" }),
    });
    assert.deepEqual(found, [
      "policy statement All grants wildcard action *; list the actions it needs",
      "policy statement Ssm grants wildcard actions ssm:*, ssm:Get*; list the actions it needs",
      "policy statement Not uses NotAction, which grants every other action; list the actions it needs",
    ]);
    assert.equal((await violations(p, "aws:kms/keyPolicy:KeyPolicy", { policy: doc({ Effect: "Allow", Action: "kms:GenerateDataKey*", Resource: "*" }) })).length, 1);
    assert.equal((await violations(p, "aws:iam/role:Role", { assumeRolePolicy: doc({ Effect: "Allow", Action: "sts:*" }), inlinePolicies: [{ name: "x", policy: doc({ Effect: "Allow", Action: "s3:*" }) }] })).length, 2);
    assert.equal((await violations(p, "aws:lambda/permission:Permission", { action: "lambda:*" })).length, 1);
    assert.match((await violations(p, "aws:sns/topicPolicy:TopicPolicy", { policy: "{not json" }))[0], /not valid JSON/);
  });

  it("passes statements that list their actions, given as JSON or as an object", async () => {
    assert.deepEqual(await violations(p, "aws:iam/rolePolicy:RolePolicy", { policy: doc({ Effect: "Allow", Action: ["ssm:GetParameter", "sqs:SendMessage"], Resource: "arn:aws:ssm:eu-west-1:1:parameter/x" }) }), []);
    assert.deepEqual(await violations(p, "aws:kms/keyPolicy:KeyPolicy", { policy: { Statement: { Effect: "Allow", Action: "kms:Decrypt", Resource: "*" } } }), []);
    assert.deepEqual(await violations(p, "aws:lambda/permission:Permission", { action: "lambda:InvokeFunction" }), []);
  });
});

describe("policy no-container-port-on-all-interfaces", () => {
  const p = policy("no-container-port-on-all-interfaces");

  it("fails on a port with no ip (Docker binds every interface), 0.0.0.0 or ::", async () => {
    const found = await violations(p, CONTAINER, { ports: [{ internal: 9090, external: 9090 }, { internal: 9093, external: 9093, ip: "0.0.0.0" }, { internal: 3000, external: 3001, ip: "::" }] });
    assert.deepEqual(found, [
      "port 9090 is published on every interface (no ip given); set docker.bindAddress to one address",
      "port 9093 is published on 0.0.0.0; set docker.bindAddress to one address",
      "port 3001 is published on ::; set docker.bindAddress to one address",
    ]);
  });

  it("passes ports bound to one address, and containers that publish none", async () => {
    assert.deepEqual(await violations(p, CONTAINER, { ports: [{ internal: 9090, external: 9090, ip: "127.0.0.1" }, { internal: 9093, external: 9093, ip: "10.0.0.5" }] }), []);
    assert.deepEqual(await violations(p, CONTAINER, { name: "node-exporter" }), []);
  });
});

describe("policy no-secrets-in-lambda-environment", () => {
  const p = policy("no-secrets-in-lambda-environment");

  it("fails on a webhook, a routing key or any literal under a secret's name", async () => {
    const found = await violations(p, LAMBDA, { environment: { variables: { SLACK_WEBHOOK: WEBHOOK, PAGERDUTY_KEY: ROUTING_KEY, API_TOKEN: "abc" } } });
    assert.deepEqual(found, [
      "environment variable SLACK_WEBHOOK holds a Slack webhook URL; store it as an SSM SecureString and pass the parameter name",
      "environment variable PAGERDUTY_KEY holds a PagerDuty routing key; store it as an SSM SecureString and pass the parameter name",
      "environment variable API_TOKEN holds a literal value for API_TOKEN; store it as an SSM SecureString and pass the parameter name",
    ]);
  });

  it("passes parameter names and routing maps", async () => {
    const topic = "arn:aws:sns:eu-west-1:123456789012:ananta-prod-critical";
    assert.deepEqual(
      await violations(p, LAMBDA, {
        environment: {
          variables: {
            PAGERDUTY_ROUTING_KEY_PARAMETER: "/ananta/prod/pagerduty-routing-key",
            TOPIC_SEVERITIES: JSON.stringify({ [topic]: "critical" }),
            SLACK_WEBHOOK_PARAMETERS: JSON.stringify({ [topic]: "/ananta/prod/slack-webhook-critical" }),
          },
        },
      }),
      [],
    );
  });
});

describe("policy ssm-parameters-secure-strings", () => {
  const p = policy("ssm-parameters-secure-strings");
  const good = { type: "SecureString", keyId: "arn:aws:kms:eu-west-1:123456789012:key/1234", value: "x" };

  it("fails on a String, a SecureString under no or the AWS-managed key, and a value left out of the secret outputs", async () => {
    assert.match((await violations(p, PARAMETER, { ...good, type: "String" }, { additionalSecretOutputs: ["value"] }))[0], /type is "String"/);
    assert.match((await violations(p, PARAMETER, { ...good, keyId: undefined }, { additionalSecretOutputs: ["value"] }))[0], /keyId is not set/);
    assert.match((await violations(p, PARAMETER, { ...good, keyId: "alias/aws/ssm" }, { additionalSecretOutputs: ["value"] }))[0], /keyId is "alias\/aws\/ssm"/);
    assert.match((await violations(p, PARAMETER, good, { additionalSecretOutputs: [] }))[0], /stored in plaintext in the state/);
  });

  it("passes a SecureString under a customer-managed key whose value is a secret output", async () => {
    assert.deepEqual(await violations(p, PARAMETER, good, { additionalSecretOutputs: ["value"] }), []);
  });
});
