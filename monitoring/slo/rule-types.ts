// The shape of a Prometheus rule file, as the SLO generator writes it.

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  /** Omitted: the global evaluation interval. */
  interval?: string;
  rules: (RecordingRule | AlertingRule)[];
}
