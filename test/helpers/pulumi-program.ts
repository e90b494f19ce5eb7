// Runs the whole Pulumi program under Pulumi's mocks with a given stack file and returns
// every registered resource, so program tests are one-liners.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { defineStack } from "../../program";
import { PROJECT } from "../../settings";
import { projectDefaults } from "../../settings/project";

export const ROOT = path.resolve(__dirname, "../..");
export const stackFile = (stack: string) => path.join(ROOT, `Pulumi.${stack}.yaml`);

export interface Registered {
  type: string;
  name: string;
  /** Inputs as the engine saw them: secret values still wrapped (see isWrappedSecret). */
  inputs: Record<string, unknown>;
}

export interface Secrets {
  pagerdutyKey?: string;
  slackWebhooks?: Record<string, string>;
  smtpPassword?: string;
  grafanaAdminPassword?: string;
}

export interface ProgramOptions {
  /** Secret config values, passed as Pulumi secrets. */
  secrets?: Secrets;
  /** Plain config values replacing the stack file's, by bare key (e.g. `docker`). */
  config?: Record<string, unknown>;
  /** Plain config keys to drop from the stack file. */
  without?: string[];
  /** A sync container that exits 1 with these logs, as one that refused its files would. */
  syncFailure?: { service: string; logs: string };
}

export interface ProgramRun extends ComponentRun {
  resources: Registered[];
  /** Stack outputs as the program returned them (Outputs). */
  outputs: Record<string, unknown>;
  /** Stack outputs resolved to plain values. */
  values: Record<string, unknown>;
}

export const isWrappedSecret = (v: unknown): boolean => pulumi.runtime.isRpcSecret(v);

/** Replaces each wrapped secret by its value, to look inside inputs. */
export function unwrapSecrets(v: unknown): unknown {
  if (isWrappedSecret(v)) return unwrapSecrets((v as { value: unknown }).value);
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
  return v;
}

/** Replaces each wrapped secret by a marker, to see what a non-secret reader would see. */
export function redactSecrets(v: unknown): unknown {
  if (isWrappedSecret(v)) return "[secret]";
  if (Array.isArray(v)) return v.map(redactSecrets);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactSecrets(x)]));
  return v;
}

const ACCOUNT = "123456789012";
/** The id the mocked AMP workspace gets (a created one's `id` is the resource id the mock returns). */
export const WORKSPACE_ID = "ws-11111111-2222-3333-4444-555555555555";
const ampEndpoint = (region: string, id: string) => `https://aps-workspaces.${region}.amazonaws.com/workspaces/${id}/`;

function computedState(type: string, name: string, inputs: Record<string, unknown>, region: string, options: ProgramOptions): Record<string, unknown> {
  const [pkg, mod] = type.split(":");
  if (type === "aws:amp/workspace:Workspace") return { arn: `arn:aws:aps:${region}:${ACCOUNT}:workspace/${WORKSPACE_ID}`, prometheusEndpoint: ampEndpoint(region, WORKSPACE_ID) };
  if (type === "aws:iam/accessKey:AccessKey") return { secret: `secret-of-${name}` };
  if (pkg === "aws") {
    const service = mod.split("/")[0];
    return { arn: `arn:aws:${service}:${region}:${ACCOUNT}:${inputs.name ?? name}`, name: inputs.name ?? name, keyId: `${name}-key-id` };
  }
  if (type === "docker:index/remoteImage:RemoteImage") return { imageId: `sha256:${name}`, repoDigest: `${inputs.name}@sha256:0` };
  // A one-shot container reports its exit code and what it printed.
  if (type === "docker:index/container:Container" && inputs.mustRun === false) {
    const failed = options.syncFailure && name.endsWith(`-${options.syncFailure.service}-sync`);
    return failed ? { exitCode: 1, containerLogs: options.syncFailure!.logs } : { exitCode: 0, containerLogs: `${name}: reloaded v1` };
  }
  if (type === "random:index/randomPassword:RandomPassword") return { result: `random-${name}`, bcryptHash: `$2a$10$bcrypt-of-random-${name}` };
  // PEM-shaped, so the policy pack sees private keys where they sit.
  if (type === "tls:index/privateKey:PrivateKey") return { privateKeyPem: `-----BEGIN EC PRIVATE KEY-----\n${name}\n-----END EC PRIVATE KEY-----\n` };
  if (type === "tls:index/certRequest:CertRequest") return { certRequestPem: `-----BEGIN CERTIFICATE REQUEST-----\n${name}\n-----END CERTIFICATE REQUEST-----\n` };
  if (type === "tls:index/selfSignedCert:SelfSignedCert" || type === "tls:index/locallySignedCert:LocallySignedCert") {
    return { certPem: `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----\n` };
  }
  return {};
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 10));
};

/** An input's value; rejects when the output failed (an `apply` callback never would run). */
export const resolve = <T>(o: pulumi.Input<T>): Promise<T> =>
  (pulumi.output(o) as unknown as { promise(): Promise<T> }).promise();

/** Loads the stack file and options into Pulumi's config and mocks; returns the resource log. */
export async function setUp(stack: string, options: ProgramOptions = {}): Promise<Registered[]> {
  const doc = parseYaml(fs.readFileSync(stackFile(stack), "utf8")) as { config: Record<string, unknown> };
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const put = (k: string, v: unknown, secret = false) => {
    config[k] = typeof v === "string" ? v : JSON.stringify(v);
    if (secret) secretKeys.push(k);
  };
  // Pulumi.yaml's project defaults, as the CLI applies them: a stack file's value replaces one.
  for (const [k, v] of Object.entries(projectDefaults())) if (!options.without?.includes(k)) put(`${PROJECT}:${k}`, v);
  for (const [k, v] of Object.entries(doc.config ?? {})) {
    const bare = k.startsWith(`${PROJECT}:`) ? k.slice(PROJECT.length + 1) : undefined;
    if (bare && options.without?.includes(bare)) continue;
    if (v && typeof v === "object" && "secure" in v) continue; // ciphertext needs the CLI; tests pass secrets explicitly
    put(k, v);
  }
  for (const [k, v] of Object.entries(options.config ?? {})) put(`${PROJECT}:${k}`, v);
  for (const [k, v] of Object.entries(options.secrets ?? {})) if (v !== undefined) put(`${PROJECT}:${k}`, v, true);
  return mockEngine(stack, config, secretKeys, options);
}

/** Pulumi's mocks with this config: every registered resource is logged, with the state a real provider would compute. */
async function mockEngine(stack: string, config: Record<string, string>, secretKeys: string[], options: ProgramOptions): Promise<Registered[]> {
  const region = config["aws:region"] ?? "us-east-1";

  const resources: Registered[] = [];
  pulumi.runtime.setAllConfig(config, secretKeys);
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        const id = args.type === "aws:amp/workspace:Workspace" ? WORKSPACE_ID : args.type === "aws:iam/accessKey:AccessKey" ? "AKIAMOCKMOCKMOCKMOCK" : `${args.name}-id`;
        return { id, state: { ...args.inputs, ...computedState(args.type, args.name, args.inputs, region, options) } };
      },
      call: (args) => {
        switch (args.token) {
          case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/test`, userId: "test" };
          case "aws:index/getRegion:getRegion":
            return { name: region, id: region, region };
          case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
          case "aws:amp/getWorkspace:getWorkspace": {
            const id = String(args.inputs.workspaceId);
            return { id, workspaceId: id, arn: `arn:aws:aps:${region}:${ACCOUNT}:workspace/${id}`, prometheusEndpoint: ampEndpoint(region, id), status: "ACTIVE" };
          }
          default:
            return args.inputs;
        }
      },
    },
    PROJECT,
    stack,
    false,
  );
  return resources;
}

/** A run of code that registers resources without the program (a component built alone). */
export interface ComponentRun {
  ofType(type: string): Registered[];
  named(name: string): Registered;
}

/**
 * Builds what `build` registers under the same mocks as the program, with no stack file and no
 * config: a component built alone from the narrow arguments a test writes by hand.
 */
export async function buildAlone(build: () => void, region = "eu-west-1"): Promise<ComponentRun> {
  const resources = await mockEngine("alone", { "aws:region": region }, [], {});
  build();
  await settle();
  return runOf(resources);
}

const runOf = (resources: Registered[]): ComponentRun => ({
  ofType: (type) => resources.filter((r) => r.type === type),
  named: (name) => {
    const r = resources.find((x) => x.name === name);
    if (!r) throw new Error(`no resource named ${name}; have: ${resources.map((x) => x.name).join(", ")}`);
    return r;
  },
});

/** Runs program.ts for a stack file; rejects with the program's error (e.g. SettingsError). */
export async function runProgram(stack: string, options: ProgramOptions = {}): Promise<ProgramRun> {
  const resources = await setUp(stack, options);
  const outputs = defineStack() as Record<string, unknown>;
  const values = Object.fromEntries(await Promise.all(Object.entries(outputs).map(async ([k, v]) => [k, v === undefined ? undefined : await resolve(v)])));
  await settle();
  return { resources, outputs, values, ...runOf(resources) };
}

/** A registered resource as a policy pack sees it: secrets unwrapped, and the options it was given. */
export interface PolicyView {
  type: string;
  name: string;
  props: Record<string, unknown>;
  opts: { additionalSecretOutputs: string[]; deleteBeforeReplace?: boolean; protect: boolean; ignoreChanges: string[] };
}

/** What a stack transformation sees of a resource: the options mocks do not pass on. */
interface SeenOptions {
  parent?: string;
  opts: PolicyView["opts"];
}

/**
 * Runs program.ts inside a root stack (mocks expose no resource options; a stack transformation
 * sees them) and returns every registered resource with its parent's name and options.
 */
async function runInStack(stack: string, options: ProgramOptions): Promise<(Registered & SeenOptions)[]> {
  const resources = await setUp(stack, options);
  const seen = new Map<string, SeenOptions>();
  await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      const o = args.opts as pulumi.CustomResourceOptions;
      const parent = (o.parent as unknown as { __name?: string } | undefined)?.__name;
      seen.set(`${args.type}::${args.name}`, {
        ...(parent ? { parent } : {}),
        opts: { additionalSecretOutputs: o.additionalSecretOutputs ?? [], deleteBeforeReplace: o.deleteBeforeReplace, protect: o.protect ?? false, ignoreChanges: o.ignoreChanges ?? [] },
      });
      return undefined;
    });
    return defineStack();
  });
  await settle();
  return resources.filter((r) => seen.has(`${r.type}::${r.name}`)).map((r) => ({ ...r, ...seen.get(`${r.type}::${r.name}`)! }));
}

/** Every resource as the policy engine would hand it to a policy: secrets unwrapped, and the options it was given. */
export async function policyViewOf(stack: string, options: ProgramOptions = {}): Promise<PolicyView[]> {
  return (await runInStack(stack, options)).map((r) => ({ type: r.type, name: r.name, props: unwrapSecrets(r.inputs) as Record<string, unknown>, opts: r.opts }));
}

/** Every resource with its parent's name, secrets still wrapped: what a resource snapshot shows. */
export async function resourceTreeOf(stack: string, options: ProgramOptions = {}): Promise<(Registered & { parent?: string })[]> {
  return (await runInStack(stack, options)).map(({ type, name, inputs, parent }) => ({ type, name, inputs, ...(parent ? { parent } : {}) }));
}

/** Runs a program that must fail; returns its error and whatever it registered before failing. */
export async function failProgram(stack: string, options: ProgramOptions = {}): Promise<{ error: Error; resources: Registered[] }> {
  const resources = await setUp(stack, options);
  try {
    defineStack();
  } catch (error) {
    await settle();
    return { error: error as Error, resources };
  }
  throw new Error(`expected the ${stack} program to fail with ${JSON.stringify(options.config ?? {})}`);
}

/** Secrets a production stack needs: every Slack channel, PagerDuty and SMTP. */
export { SENTINEL as PROD_SECRETS } from "./sentinels";
