// One CloudWatch alarm from its generated definition, notifying its topic on ALARM and on OK.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AlarmSpec } from "../monitoring/cloudwatch/alarms";
import type { TopicId } from "../settings";

export function metricAlarm(
  spec: AlarmSpec,
  topicArns: Record<TopicId, pulumi.Input<string>>,
  tags: Record<string, string>,
  parent: pulumi.Resource,
): aws.cloudwatch.MetricAlarm {
  const actions = [topicArns[spec.topic]];
  return new aws.cloudwatch.MetricAlarm(spec.alarm.name, { ...spec.alarm, alarmActions: actions, okActions: actions, tags }, { parent });
}
