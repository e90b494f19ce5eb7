// Notification templates (Go text/template, functions of Alertmanager 0.25 and newer only).
// One plain-text alert block, written once and printed two ways: as it is for e-mail and
// PagerDuty, with every value escaped for Slack.
import { LABELS } from "../conventions";

/** Template file name under alertmanager/templates/ (without .tmpl). */
export const TEMPLATE_FILE = "ananta";

/** Names of the templates receivers use. */
export const TEMPLATE = {
  title: "ananta.title",
  alerts: "ananta.alerts.text",
  slackTitle: "ananta.slack.title",
  slackAlerts: "ananta.slack.alerts.text",
  pagerdutyDescription: "ananta.pagerduty.description",
  pagerdutySeverity: "ananta.pagerduty.severity",
  emailSubject: "ananta.email.subject",
  emailHtml: "ananta.email.html",
} as const;

/** The value of a receiver field that renders a template on the notification data. */
export const use = (name: string, data = "."): string => `{{ template "${name}" ${data} }}`;

const TIME = `"2006-01-02 15:04:05 MST"`;

/** How a template prints a value: as it is, or escaped for Slack (a label `<!channel>` must not ping anyone). */
type Printer = (expr: string) => string;
const asIs: Printer = (expr) => `{{ ${expr} }}`;
const forSlack: Printer = (expr) => `{{ template "${SLACK_ESCAPE}" ${expr} }}`;

/** Slack's three control characters, escaped as its mrkdwn wants (& first). */
const SLACK_ESCAPE = "ananta.slack.escape";
const slackEscape = `{{ define "${SLACK_ESCAPE}" }}{{ . | reReplaceAll "&" "&amp;" | reReplaceAll "<" "&lt;" | reReplaceAll ">" "&gt;" }}{{ end }}`;

/** Title: [FIRING:2] HighLatency cns-service (app plane), SLO p99. */
const title = (name: string, v: Printer) => `{{ define "${name}" -}}
[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ if .CommonLabels.alertname }}${v(".CommonLabels.alertname")}{{ else }}${v("(index .Alerts 0).Labels.alertname")} and others{{ end }}
{{- if .CommonLabels.service }} ${v(".CommonLabels.service")}{{ end }}
{{- if .CommonLabels.plane }} (${v(".CommonLabels.plane")} plane){{ end }}
{{- if .CommonLabels.${LABELS.slo} }}, SLO ${v(`.CommonLabels.${LABELS.slo}`)}{{ end }}
{{- end }}`;

/** One alert: what, where, which SLO, its labels (the values), when, and its runbook. */
const alertText = (name: string, v: Printer) => `{{ define "${name}" -}}
${v(".Labels.alertname")} [${v(".Labels.severity")}]{{ if .Labels.service }} on ${v(".Labels.service")}{{ end }}{{ if .Labels.${LABELS.slo} }}, SLO ${v(`.Labels.${LABELS.slo}`)}{{ end }}
{{- if .Annotations.summary }}
  ${v(".Annotations.summary")}{{ end }}
{{- if .Annotations.description }}
  ${v(".Annotations.description")}{{ end }}
  Labels: {{ range .Labels.SortedPairs }}${v(".Name")}=${v(".Value")} {{ end }}
  Started: {{ .StartsAt.Format ${TIME} }}{{ if eq .Status "resolved" }}, resolved: {{ .EndsAt.Format ${TIME} }}{{ end }}
{{- if .Annotations.runbook_url }}
  Runbook: ${v(".Annotations.runbook_url")}{{ end }}
{{ end }}`;

/** The group: firing alerts first, then resolved ones. */
const alertsText = (name: string, alert: string) => `{{ define "${name}" -}}
{{ if .Alerts.Firing }}Firing ({{ .Alerts.Firing | len }}):
{{ range .Alerts.Firing }}{{ template "${alert}" . }}{{ end }}{{ end }}
{{- if .Alerts.Resolved }}Resolved ({{ .Alerts.Resolved | len }}):
{{ range .Alerts.Resolved }}{{ template "${alert}" . }}{{ end }}{{ end }}
{{- end }}`;

export const TEMPLATE_TEXT = `{{/* The title, alert and group text twice: as they are (e-mail, PagerDuty), and with every
     value escaped for Slack. The SLO tells apart alerts of one name about different SLOs of one
     service; a page groups a service's alerts of several names: the first one's name "and others". */}}
${slackEscape}

${title(TEMPLATE.title, asIs)}

${title(TEMPLATE.slackTitle, forSlack)}

${alertText("ananta.alert.text", asIs)}

${alertText("ananta.slack.alert.text", forSlack)}

${alertsText(TEMPLATE.alerts, "ananta.alert.text")}

${alertsText(TEMPLATE.slackAlerts, "ananta.slack.alert.text")}

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
