// Notification templates (Go text/template, functions of Alertmanager 0.25 and newer only).
// One plain-text alert block serves Slack, e-mail and PagerDuty details alike.
import { LABELS } from "../conventions";

/** Template file name under alertmanager/templates/ (without .tmpl). */
export const TEMPLATE_FILE = "ananta";

/** Names of the templates receivers use. */
export const TEMPLATE = {
  title: "ananta.title",
  alerts: "ananta.alerts.text",
  pagerdutyDescription: "ananta.pagerduty.description",
  pagerdutySeverity: "ananta.pagerduty.severity",
  emailSubject: "ananta.email.subject",
  emailHtml: "ananta.email.html",
} as const;

/** The value of a receiver field that renders a template on the notification data. */
export const use = (name: string, data = "."): string => `{{ template "${name}" ${data} }}`;

const TIME = `"2006-01-02 15:04:05 MST"`;

export const TEMPLATE_TEXT = `{{/* Title: [FIRING:2] HighLatency cns-service (app plane), SLO p99. The SLO tells apart alerts
     of one name about different SLOs of one service (p95 and p99, availability and p99). A page
     groups a service's alerts of several names: the first one's name "and others". */}}
{{ define "${TEMPLATE.title}" -}}
[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ if .CommonLabels.alertname }}{{ .CommonLabels.alertname }}{{ else }}{{ (index .Alerts 0).Labels.alertname }} and others{{ end }}
{{- if .CommonLabels.service }} {{ .CommonLabels.service }}{{ end }}
{{- if .CommonLabels.plane }} ({{ .CommonLabels.plane }} plane){{ end }}
{{- if .CommonLabels.${LABELS.slo} }}, SLO {{ .CommonLabels.${LABELS.slo} }}{{ end }}
{{- end }}

{{/* One alert: what, where, which SLO, its labels (the values), when, and its runbook. */}}
{{ define "ananta.alert.text" -}}
{{ .Labels.alertname }} [{{ .Labels.severity }}]{{ if .Labels.service }} on {{ .Labels.service }}{{ end }}{{ if .Labels.${LABELS.slo} }}, SLO {{ .Labels.${LABELS.slo} }}{{ end }}
{{- if .Annotations.summary }}
  {{ .Annotations.summary }}{{ end }}
{{- if .Annotations.description }}
  {{ .Annotations.description }}{{ end }}
  Labels: {{ range .Labels.SortedPairs }}{{ .Name }}={{ .Value }} {{ end }}
  Started: {{ .StartsAt.Format ${TIME} }}{{ if eq .Status "resolved" }}, resolved: {{ .EndsAt.Format ${TIME} }}{{ end }}
{{- if .Annotations.runbook_url }}
  Runbook: {{ .Annotations.runbook_url }}{{ end }}
{{ end }}

{{/* The group: firing alerts first, then resolved ones. */}}
{{ define "${TEMPLATE.alerts}" -}}
{{ if .Alerts.Firing }}Firing ({{ .Alerts.Firing | len }}):
{{ range .Alerts.Firing }}{{ template "ananta.alert.text" . }}{{ end }}{{ end }}
{{- if .Alerts.Resolved }}Resolved ({{ .Alerts.Resolved | len }}):
{{ range .Alerts.Resolved }}{{ template "ananta.alert.text" . }}{{ end }}{{ end }}
{{- end }}

{{/* PagerDuty summary (at most 1024 characters; PagerDuty truncates beyond). */}}
{{ define "${TEMPLATE.pagerdutyDescription}" -}}
{{ template "${TEMPLATE.title}" . }}{{ if .CommonAnnotations.summary }}: {{ .CommonAnnotations.summary }}{{ end }}
{{- end }}

{{/* PagerDuty accepts critical, error, warning and info: the alert severities. */}}
{{ define "${TEMPLATE.pagerdutySeverity}" -}}
{{ if .CommonLabels.severity }}{{ .CommonLabels.severity }}{{ else }}critical{{ end }}
{{- end }}

{{ define "${TEMPLATE.emailSubject}" -}}
{{ if .CommonLabels.environment }}[{{ .CommonLabels.environment }}] {{ end }}{{ template "${TEMPLATE.title}" . }}
{{- end }}

{{ define "${TEMPLATE.emailHtml}" -}}
<h3>{{ template "${TEMPLATE.title}" . }}</h3>
<pre>{{ template "${TEMPLATE.alerts}" . }}</pre>
{{ range .Alerts }}{{ if .Annotations.runbook_url }}<p><a href="{{ .Annotations.runbook_url }}">Runbook for {{ .Labels.alertname }}</a></p>
{{ end }}{{ end }}
{{- end }}
`;
