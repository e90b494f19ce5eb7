// Calls a policy's validate function the way the policy engine does, without the CLI.
import type { PolicyResourceOptions, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { INVARIANTS } from "../../policy/invariants";

export const policy = (name: string): ResourceValidationPolicy => {
  const p = INVARIANTS.find((x) => x.name === name);
  if (!p) throw new Error(`no policy ${name}; have ${INVARIANTS.map((x) => x.name).join(", ")}`);
  return p;
};

const OPTIONS: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

/** The violations one policy reports for one resource. */
export async function violations(p: ResourceValidationPolicy, type: string, props: Record<string, unknown>, opts: Partial<PolicyResourceOptions> = {}, name = "r"): Promise<string[]> {
  const found: string[] = [];
  const args: ResourceValidationArgs = {
    type,
    props,
    urn: `urn:pulumi:test::ananta-monitoring::${type}::${name}`,
    name,
    opts: { ...OPTIONS, ...opts },
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T>() => ({}) as T,
    notApplicable: (reason?: string) => {
      throw new Error(`not applicable: ${reason}`);
    },
  };
  for (const validate of [p.validateResource].flat()) {
    if (!validate) continue;
    await validate(args, (message) => found.push(message));
  }
  return found;
}
