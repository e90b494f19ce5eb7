// The policy documents a resource carries (IAM, key, topic and queue policies), as statements.

export interface Statement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  [key: string]: unknown;
}

/** Input properties holding a policy document, by resource type. */
export const DOCUMENT_PROPERTIES: Record<string, string[]> = {
  "aws:iam/role:Role": ["assumeRolePolicy"],
  "aws:iam/rolePolicy:RolePolicy": ["policy"],
  "aws:iam/policy:Policy": ["policy"],
  "aws:iam/userPolicy:UserPolicy": ["policy"],
  "aws:iam/groupPolicy:GroupPolicy": ["policy"],
  "aws:kms/key:Key": ["policy"],
  "aws:kms/keyPolicy:KeyPolicy": ["policy"],
  "aws:sns/topic:Topic": ["policy"],
  "aws:sns/topicPolicy:TopicPolicy": ["policy"],
  "aws:sqs/queue:Queue": ["policy"],
  "aws:sqs/queuePolicy:QueuePolicy": ["policy"],
};

/** A document given as JSON text or as an object; `undefined` when absent, an error when unreadable. */
function parse(document: unknown): { Statement?: Statement | Statement[] } | undefined {
  if (document === undefined || document === null || document === "") return undefined;
  if (typeof document === "string") return JSON.parse(document) as { Statement?: Statement | Statement[] };
  return document as { Statement?: Statement | Statement[] };
}

/** Every statement of every document of a resource, with where it came from (`policy`, `inlinePolicies[0].policy`). */
export function statementsOf(type: string, props: Record<string, unknown>): { where: string; statement: Statement }[] {
  const documents: [string, unknown][] = (DOCUMENT_PROPERTIES[type] ?? []).map((p) => [p, props[p]]);
  if (type === "aws:iam/role:Role" && Array.isArray(props.inlinePolicies)) {
    props.inlinePolicies.forEach((p: { policy?: unknown }, i) => documents.push([`inlinePolicies[${i}].policy`, p.policy]));
  }
  return documents.flatMap(([where, document]) => {
    const statements = parse(document)?.Statement ?? [];
    return (Array.isArray(statements) ? statements : [statements]).map((statement) => ({ where, statement }));
  });
}

export const actionsOf = (s: Statement): string[] => (s.Action === undefined ? [] : Array.isArray(s.Action) ? s.Action : [s.Action]);
