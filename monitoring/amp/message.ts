// The SNS message AMP's Alertmanager publishes: one JSON document per notification of an alert
// group (lambdas/contract.ts AlertmanagerMessage), written by a Go template. Alertmanager has
// no JSON function, so every string is escaped with reReplaceAll: backslash, quote, newline,
// carriage return, tab, and any other control character dropped.
import { ALERTMANAGER_MESSAGE_VERSION } from "../../lambdas/contract";

/** The template file's name in AMP's definition (and beside alertmanager.yml when tests run it). */
export const SNS_TEMPLATE_FILE = "ananta-sns.tmpl";

export const SNS_TEMPLATE = {
  message: "ananta.sns.message",
  subject: "ananta.sns.subject",
} as const;

const TIME = `"2006-01-02T15:04:05.000Z07:00"`;

// String.raw: the backslashes are Go's and the regular expressions'; nothing here is escaped for TypeScript.
const ESCAPE = String.raw`{{ define "ananta.json.string" }}{{ . | reReplaceAll "\\\\" "\\\\" | reReplaceAll "\"" "\\\"" | reReplaceAll "\n" "\\n" | reReplaceAll "\r" "\\r" | reReplaceAll "\t" "\\t" | reReplaceAll "[\\x00-\\x1f]" "" }}{{ end }}`;

const PAIRS = `{{ define "ananta.json.pairs" }}{ {{- range $i, $p := . }}{{ if $i }},{{ end }}"{{ template "ananta.json.string" $p.Name }}":"{{ template "ananta.json.string" $p.Value }}"{{ end -}} }{{ end }}`;

const str = (field: string) => `"{{ template "ananta.json.string" ${field} }}"`;

const ALERT =
  `{"status":"{{ $a.Status }}","labels":{{ template "ananta.json.pairs" $a.Labels.SortedPairs }},` +
  `"annotations":{{ template "ananta.json.pairs" $a.Annotations.SortedPairs }},` +
  `"startsAt":"{{ $a.StartsAt.Format ${TIME} }}","endsAt":"{{ $a.EndsAt.Format ${TIME} }}",` +
  `"generatorURL":${str("$a.GeneratorURL")},"fingerprint":"{{ $a.Fingerprint }}"}`;

const MESSAGE =
  `{{ define "${SNS_TEMPLATE.message}" -}}` +
  `{"version":"${ALERTMANAGER_MESSAGE_VERSION}","status":"{{ .Status }}","receiver":${str(".Receiver")},` +
  `"externalURL":${str(".ExternalURL")},"groupLabels":{{ template "ananta.json.pairs" .GroupLabels.SortedPairs }},` +
  `"commonLabels":{{ template "ananta.json.pairs" .CommonLabels.SortedPairs }},"commonAnnotations":{{ template "ananta.json.pairs" .CommonAnnotations.SortedPairs }},` +
  `"alerts":[{{ range $i, $a := .Alerts }}{{ if $i }},{{ end }}${ALERT}{{ end }}]}` +
  `{{- end }}`;

// SNS subjects are printable ASCII, one line, at most 100 characters: the status and the alert
// name (cut to 80 characters).
const SUBJECT = `{{ define "${SNS_TEMPLATE.subject}" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname | reReplaceAll "[^ -~]" "" | reReplaceAll "^(.{80}).+$" "$1" }}{{ end }}`;

export const SNS_TEMPLATE_TEXT = [ESCAPE, PAIRS, MESSAGE, SUBJECT].join("\n") + "\n";
