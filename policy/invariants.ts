// The stack's invariants, each a mandatory CrossGuard policy: a preview or `up` that breaks one
// stops before anything changes. Each validates the inputs one resource is registered with.
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { SECRETS, STAGING } from "../monitoring/layout";
import { actionsOf, statementsOf } from "./iam-documents";
import { findSecrets } from "./secret-shapes";

type Props = Record<string, unknown>;

const TYPES = {
  container: "docker:index/container:Container",
  lambda: "aws:lambda/function:Function",
  ssmParameter: "aws:ssm/parameter:Parameter",
  topic: "aws:sns/topic:Topic",
  lambdaPermission: "aws:lambda/permission:Permission",
} as const;

/** Where the program writes secret files into a sync container: `<staging>/secrets/...`. */
const SECRET_UPLOAD = `${STAGING}/${SECRETS}/`;

interface Upload {
  file?: string;
  content?: string;
  permissions?: string;
}

const isSecretUpload = (u: Upload): boolean => typeof u.file === "string" && u.file.startsWith(SECRET_UPLOAD);

/** Inputs the TLS provider takes private keys in (and keeps secret): the cluster CA and peer certificates. */
export const TLS_KEY_INPUTS: Record<string, string> = {
  "tls:index/selfSignedCert:SelfSignedCert": "privateKeyPem",
  "tls:index/certRequest:CertRequest": "privateKeyPem",
  "tls:index/locallySignedCert:LocallySignedCert": "caPrivateKeyPem",
};

/**
 * The inputs a secret may legitimately sit in (visible to a policy only unwrapped): a SecureString's
 * value, a sync container's secret files, and the TLS provider's key inputs. A Lambda's
 * environment has its own policy.
 */
function outsideSecretSinks(type: string, props: Props): Props {
  if (type === TYPES.ssmParameter && props.type === "SecureString") return { ...props, value: undefined };
  if (type in TLS_KEY_INPUTS) return { ...props, [TLS_KEY_INPUTS[type]]: undefined };
  if (type === TYPES.container && Array.isArray(props.uploads)) {
    return { ...props, uploads: (props.uploads as Upload[]).map((u) => (isSecretUpload(u) ? { file: u.file } : u)) };
  }
  if (type === TYPES.lambda) return { ...props, environment: undefined };
  return props;
}

const reportSecrets = (props: unknown, where: string, report: ReportViolation) => {
  for (const f of findSecrets(props)) report(`${where}${f.path} holds ${f.kind}; pass it as a Pulumi secret into a secret file or an SSM SecureString, never as plain input`);
};

const noPlaintextSecrets: ResourceValidationPolicy = {
  name: "no-plaintext-secrets",
  description: "No secret-shaped value (webhook URL, routing key, password) in an input that is not a secret sink; secret files are 0400.",
  enforcementLevel: "mandatory",
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    reportSecrets(outsideSecretSinks(args.type, args.props), "", report);
    if (args.type === TYPES.container && Array.isArray(args.props.uploads)) {
      for (const u of args.props.uploads as Upload[]) {
        if (isSecretUpload(u) && u.permissions !== "0400") report(`upload ${u.file} is a secret file with permissions ${u.permissions ?? "(default 0644)"}; secret files must be 0400`);
      }
    }
  },
};

const snsTopicsKmsEncrypted: ResourceValidationPolicy = {
  name: "sns-topics-kms-encrypted",
  description: "Every SNS topic is encrypted with a customer-managed KMS key (alarms cannot publish to topics under alias/aws/sns).",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== TYPES.topic) return;
    const key = args.props.kmsMasterKeyId;
    if (typeof key !== "string" || key === "") report("kmsMasterKeyId is not set; encrypt the topic with the stack's KMS key");
    else if (key === "alias/aws/sns") report("kmsMasterKeyId is alias/aws/sns, which CloudWatch alarms cannot publish through; use the stack's customer-managed key");
  },
};

const noWildcardIamActions: ResourceValidationPolicy = {
  name: "no-wildcard-iam-actions",
  description: "No IAM, key, topic or queue policy statement grants a wildcard action (`*`, `service:*`, `service:Get*`) or uses NotAction.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type === TYPES.lambdaPermission && typeof args.props.action === "string" && args.props.action.includes("*")) {
      report(`action ${JSON.stringify(args.props.action)} is a wildcard; name the one action (lambda:InvokeFunction)`);
    }
    let statements: ReturnType<typeof statementsOf>;
    try {
      statements = statementsOf(args.type, args.props);
    } catch (e) {
      if (e instanceof SyntaxError) return report(`a policy document is not valid JSON: ${e.message}`);
      throw e;
    }
    for (const { where, statement } of statements) {
      const label = `${where} statement ${statement.Sid ?? "(no Sid)"}`;
      const wild = actionsOf(statement).filter((a) => a.includes("*"));
      if (wild.length > 0) report(`${label} grants wildcard action${wild.length > 1 ? "s" : ""} ${wild.join(", ")}; list the actions it needs`);
      if (statement.NotAction !== undefined) report(`${label} uses NotAction, which grants every other action; list the actions it needs`);
    }
  },
};

const ANY_ADDRESS = new Set(["", "0.0.0.0", "::", "[::]"]);

const noPortOnAllInterfaces: ResourceValidationPolicy = {
  name: "no-container-port-on-all-interfaces",
  description: "No container port is published on 0.0.0.0 or :: (Docker's default when no ip is given); bind to docker.bindAddress.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== TYPES.container || !Array.isArray(args.props.ports)) return;
    for (const p of args.props.ports as { internal?: number; external?: number; ip?: string }[]) {
      const ip = p.ip ?? "";
      if (ANY_ADDRESS.has(ip)) report(`port ${p.external ?? p.internal} is published on ${ip === "" ? "every interface (no ip given)" : ip}; set docker.bindAddress to one address`);
    }
  },
};

const noSecretsInLambdaEnvironment: ResourceValidationPolicy = {
  name: "no-secrets-in-lambda-environment",
  description: "A Lambda's environment holds parameter names and routing maps only; secrets are read from SSM at run time.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== TYPES.lambda) return;
    const variables = (args.props.environment as { variables?: Props } | undefined)?.variables ?? {};
    for (const f of findSecrets(variables)) report(`environment variable ${f.path} holds ${f.kind}; store it as an SSM SecureString and pass the parameter name`);
  },
};

const ssmParametersSecureStrings: ResourceValidationPolicy = {
  name: "ssm-parameters-secure-strings",
  description: "Every SSM parameter is a SecureString under a customer-managed key, and its value is a secret in the Pulumi state.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== TYPES.ssmParameter) return;
    if (args.props.type !== "SecureString") report(`type is ${JSON.stringify(args.props.type)}; the stack's parameters hold secrets and must be SecureString`);
    const key = args.props.keyId;
    if (typeof key !== "string" || key === "" || key === "alias/aws/ssm") report(`keyId is ${key ? JSON.stringify(key) : "not set"}; encrypt with the stack's customer-managed key`);
    if (!args.opts.additionalSecretOutputs.includes("value")) report("value is not among additionalSecretOutputs; it would be stored in plaintext in the state");
  },
};

export const INVARIANTS: ResourceValidationPolicy[] = [
  noPlaintextSecrets,
  snsTopicsKmsEncrypted,
  noWildcardIamActions,
  noPortOnAllInterfaces,
  noSecretsInLambdaEnvironment,
  ssmParametersSecureStrings,
];
