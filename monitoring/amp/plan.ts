// What ManagedPrometheus (components/managed-prometheus.ts) builds, decided once from the
// settings: its narrow arguments, as plain data and one pure function of the topics' ARNs.
import type { Settings, TopicId } from "../../settings";
import { awsTags } from "../cloudwatch/plan";
import { topicIds } from "../cloudwatch/forwarders";
import { ruleFiles } from "../files";
import { ampAlertmanager, ampAlertmanagerDefinition } from "./alertmanager";
import { type RuleNamespace, ruleNamespaces } from "./rule-namespaces";

export interface ManagedPrometheusPlan {
  /** An existing workspace to use (aws.amp.workspaceId); a new one is created without it. */
  workspaceId?: string;
  logRetentionDays: number;
  tags: Record<string, string>;
  /** The rule files as AMP's rule groups namespaces. */
  ruleNamespaces: RuleNamespace[];
  /** The topics its Alertmanager publishes to. */
  topics: TopicId[];
  /** The Alertmanager definition document for the topics' ARNs. */
  alertmanagerDefinition: (topicArns: Record<TopicId, string>) => string;
}

export function managedPrometheusPlan(settings: Settings): ManagedPrometheusPlan {
  const region = settings.awsRegion!;
  return {
    ...(settings.aws.amp.workspaceId ? { workspaceId: settings.aws.amp.workspaceId } : {}),
    logRetentionDays: settings.aws.logRetentionDays,
    tags: awsTags(settings),
    ruleNamespaces: ruleNamespaces(ruleFiles(settings)),
    topics: topicIds(settings),
    alertmanagerDefinition: (arns) => ampAlertmanagerDefinition(ampAlertmanager(settings, arns, region)),
  };
}
