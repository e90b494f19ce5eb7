// Both forwarders reading Alertmanager notifications (AMP's Alertmanager, published to SNS in the
// stack's JSON format): PagerDuty triggers and resolves one incident per alert group; Slack posts
// what the stack's own Alertmanager posts; a message that cannot be read is forwarded as it is,
// saying why, never dropped.
import assert from "node:assert/strict";
import { ALERTMANAGER_MESSAGE_VERSION, type AlertmanagerMessage } from "../../lambdas/contract";
import { createPagerDutyHandler } from "../../lambdas/pagerduty";
import { DEDUP_KEY_MAX } from "../../lambdas/pagerduty/event";
import { groupKey } from "../../lambdas/shared/alertmanager";
import { createSlackHandler } from "../../lambdas/slack";
import { lambdaContext, record, snsEvent, TOPICS } from "./events";
import { bodies, Harness, ROUTING_KEY, startHarness, WEBHOOK_PATHS } from "./harness";

const FAST = { requestTimeoutMs: 300, backoffBaseMs: 5, backoffMaxMs: 50, safetyMarginMs: 200 };
const EXTERNAL = "https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/alertmanager";
const RUNBOOK = "https://runbooks.example/ErrorBudgetBurningFast.md";

const labels = { alertname: "ErrorBudgetBurningFast", severity: "critical", category: "slo", plane: "app", service: "cns-service", slo: "availability" };
const alert = (status: "firing" | "resolved", instance = "cns-1") => ({
  status,
  labels: { ...labels, instance },
  annotations: { summary: "cns-service burns its availability budget fast", runbook_url: RUNBOOK },
  startsAt: "2026-12-05T10:00:00.000Z",
  endsAt: status === "resolved" ? "2026-12-05T10:20:00.000Z" : "0001-01-01T00:00:00.000Z",
  generatorURL: "https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/graph",
  fingerprint: `fp-${instance}`,
});
const group = (status: "firing" | "resolved", alerts = [alert(status)]): AlertmanagerMessage => ({
  version: ALERTMANAGER_MESSAGE_VERSION,
  status,
  receiver: "sns-slo",
  externalURL: EXTERNAL,
  groupLabels: { alertname: labels.alertname, plane: "app", service: "cns-service", slo: "availability" },
  commonLabels: labels,
  commonAnnotations: { summary: "cns-service burns its availability budget fast", runbook_url: RUNBOOK },
  alerts,
});
const published = (message: object | string, opts: Parameters<typeof record>[1] = {}) =>
  snsEvent(record(typeof message === "string" ? message : JSON.stringify(message), { subject: "[FIRING:1] ErrorBudgetBurningFast", ...opts }));

describe("lambdas: Alertmanager notifications (AMP through SNS)", () => {
  let h: Harness;
  const pagerduty = () => createPagerDutyHandler({ env: h.pdEnv, logSink: h.logSink, tuning: FAST });
  const slack = () => createSlackHandler({ env: h.slackEnv, logSink: h.logSink, tuning: FAST });

  before(async () => {
    h = await startHarness();
  });
  beforeEach(() => h.reset());
  after(() => h.close());

  it("PagerDuty: triggers while the group fires and resolves it with the same dedup_key", async () => {
    await pagerduty()(published(group("firing")), lambdaContext());
    await pagerduty()(published(group("resolved"), { messageId: "another-sns-message" }), lambdaContext());
    const key = `alertmanager:${EXTERNAL}:{alertname="ErrorBudgetBurningFast", plane="app", service="cns-service", slo="availability"}`;
    const [trigger, resolve] = bodies(h.pd);
    assert.deepEqual(resolve, { routing_key: ROUTING_KEY, event_action: "resolve", dedup_key: key });
    assert.deepEqual(trigger, {
      routing_key: ROUTING_KEY,
      event_action: "trigger",
      dedup_key: key,
      payload: {
        summary: "[FIRING:1] ErrorBudgetBurningFast cns-service (app plane), SLO availability: cns-service burns its availability budget fast",
        source: "cns-service",
        severity: "critical",
        timestamp: "2026-12-05T10:00:00.000Z",
        component: "cns-service (SLO availability)",
        group: "app",
        class: "slo",
        custom_details: {
          alerts: [
            "Firing (1):",
            "ErrorBudgetBurningFast [critical] on cns-service, SLO availability",
            "  cns-service burns its availability budget fast",
            "  Labels: alertname=ErrorBudgetBurningFast category=slo instance=cns-1 plane=app service=cns-service severity=critical slo=availability",
            "  Started: 2026-12-05T10:00:00.000Z",
            `  Runbook: ${RUNBOOK}`,
          ].join("\n"),
          num_firing: 1,
          num_resolved: 0,
          labels,
          topic: TOPICS.critical,
        },
      },
      client: "Alertmanager (Amazon Managed Service for Prometheus)",
      client_url: EXTERNAL,
      links: [{ href: RUNBOOK, text: "Runbook" }],
    });
  });

  it("PagerDuty: keeps triggering while one alert of the group still fires, and uses the topic's severity when the alerts have none", async () => {
    const { severity, ...unlabelled } = labels;
    assert.equal(severity, "critical");
    await pagerduty()(published({ ...group("firing", [alert("firing", "cns-1"), alert("resolved", "cns-2")]), commonLabels: unlabelled }), lambdaContext());
    const [event] = bodies(h.pd) as { event_action: string; payload: { severity: string; summary: string } }[];
    assert.equal(event.event_action, "trigger");
    assert.equal(event.payload.severity, "critical", "the critical topic's severity");
    assert.match(event.payload.summary, /^\[FIRING:1\] ErrorBudgetBurningFast/);
  });

  it("PagerDuty: a group key longer than PagerDuty allows still resolves what it triggered", async () => {
    const long = { ...group("firing"), groupLabels: { alertname: "X".repeat(400) } };
    await pagerduty()(published(long), lambdaContext());
    await pagerduty()(published({ ...long, status: "resolved", alerts: [alert("resolved")] }), lambdaContext());
    const [trigger, resolve] = bodies(h.pd) as { dedup_key: string }[];
    assert.ok(trigger.dedup_key.length <= DEDUP_KEY_MAX);
    assert.equal(resolve.dedup_key, trigger.dedup_key);
    assert.notEqual(groupKey(long), trigger.dedup_key);
  });

  it("Slack: posts the title and alerts as the stack's Alertmanager does, with the runbook and Alertmanager links", async () => {
    await slack()(published(group("firing")), lambdaContext());
    await slack()(published(group("resolved")), lambdaContext());
    assert.deepEqual(h.slack.requests.map((r) => r.path), [WEBHOOK_PATHS.critical, WEBHOOK_PATHS.critical]);
    const [firing, resolved] = bodies(h.slack) as { text: string; blocks: { type: string; text?: { text: string }; elements?: { text: string }[] }[] }[];
    assert.equal(firing.text, "[FIRING:1] ErrorBudgetBurningFast cns-service (app plane), SLO availability: cns-service burns its availability budget fast");
    assert.equal(firing.blocks[0].text?.text, ":rotating_light: [FIRING:1] ErrorBudgetBurningFast cns-service (app plane), SLO availability");
    assert.match(firing.blocks[1].text!.text, /^Firing \(1\):\nErrorBudgetBurningFast \[critical\] on cns-service, SLO availability\n/);
    assert.equal(firing.blocks[2].elements![0].text, `<${RUNBOOK}|Runbook> · <${EXTERNAL}|Alertmanager>`);
    assert.equal(resolved.blocks[0].text?.text, ":white_check_mark: [RESOLVED] ErrorBudgetBurningFast cns-service (app plane), SLO availability");
    assert.match(resolved.blocks[1].text!.text, /^Resolved \(1\):\n.*\n(.*\n)* {2}Started: 2026-12-05T10:00:00.000Z, resolved: 2026-12-05T10:20:00.000Z/);
  });

  it("Slack: a hostile runbook_url or externalURL stays one inert link; no mention goes live", async () => {
    const hostile = { ...alert("firing"), annotations: { ...alert("firing").annotations, runbook_url: "https://runbooks.example/x|<!channel>" } };
    const bad = { ...group("firing", [hostile, { ...alert("firing", "cns-2"), annotations: { summary: "x", runbook_url: "javascript:alert(1)" } }]), externalURL: "https://am.example/<!here>&x" };
    await slack()(published(bad), lambdaContext());
    const [posted] = bodies(h.slack) as { blocks: { elements?: { text: string }[] }[] }[];
    const links = posted.blocks[2].elements![0].text;
    assert.equal(links, "<https://runbooks.example/x%7C%3C!channel%3E|Runbook> · <https://am.example/%3C!here%3E&amp;x|Alertmanager>");
    assert.doesNotMatch(JSON.stringify(posted), /<!(channel|here|everyone)>/);
  });

  it("Slack: 300 alerts' runbook links stay within Slack's 3000 characters, counting the rest", async () => {
    const many = Array.from({ length: 300 }, (_, i) => ({ ...alert("firing", `cns-${i}`), annotations: { summary: "x", runbook_url: `https://runbooks.example/very/long/path/to/the/runbook/of/alert-${i}.md` } }));
    await slack()(published(group("firing", many)), lambdaContext());
    assert.equal(h.slack.requests.length, 1);
    const [posted] = bodies(h.slack) as { blocks: { elements?: { text: string }[] }[] }[];
    const links = posted.blocks[2].elements![0].text;
    assert.ok(links.length <= 3000, `${links.length} characters`);
    assert.match(links, / · and \d+ more$/);
  });

  it("forwards an alarm-shaped message with a deeply nested field as a plain message, not a dead letter", async () => {
    const depth = 20_000;
    const body = `{"AlarmName":"x","NewStateValue":"ALARM","AlarmArn":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}}`;
    await slack()(snsEvent(record(body, { topicArn: TOPICS.critical })), lambdaContext());
    assert.equal(h.slack.requests.length, 1);
    const [posted] = bodies(h.slack) as { blocks: { elements?: { text: string }[] }[] }[];
    assert.match(JSON.stringify(posted), /AlarmArn a JSON object is not an ARN/);
  });

  it("PagerDuty: a group cut to SNS's limit keeps its group's incident at every repeat, and its resolve resolves it (never pages)", async () => {
    const cut = (status: "firing" | "resolved", messageId: string) => {
      const event = published(JSON.stringify(group(status)).slice(0, 400), { messageId, subject: status === "firing" ? "[FIRING:1] ErrorBudgetBurningFast" : "[RESOLVED] ErrorBudgetBurningFast" });
      (event.Records[0] as { Sns: Record<string, unknown> }).Sns.MessageAttributes = { truncated: { Type: "String", Value: "true" } };
      return event;
    };
    await pagerduty()(cut("firing", "sns-1"), lambdaContext());
    await pagerduty()(cut("firing", "sns-2-repeat"), lambdaContext());
    await pagerduty()(cut("resolved", "sns-3"), lambdaContext());
    const sent = bodies(h.pd) as { event_action: string; dedup_key: string }[];
    const key = groupKey(group("firing"));
    assert.deepEqual(sent.map((e) => [e.event_action, e.dedup_key]), [["trigger", key], ["trigger", key], ["resolve", key]]);
  });

  for (const [what, message, attributes, problem] of [
    ["a later version of the format", { ...group("firing"), version: "ananta.alertmanager/2" }, undefined, /version "ananta.alertmanager\/2" is not ananta.alertmanager\/1/],
    ["an alert without labels", { ...group("firing"), alerts: [{ ...alert("firing"), labels: undefined }] }, undefined, /alerts\[0\] lacks a readable labels/],
    ["a message Alertmanager cut to SNS's limit", JSON.stringify(group("firing")).slice(0, 120), { truncated: { Type: "String", Value: "true" } }, /cut the message to fit SNS's 256 KB limit/],
    ["a message cut within its head (no group to read)", JSON.stringify(group("firing")).slice(0, 60), { truncated: { Type: "String", Value: "true" } }, /cut the message to fit SNS's 256 KB limit/],
  ] as const) {
    it(`forwards ${what} as it is to both, saying why it could not be read`, async () => {
      const event = published(message, {});
      if (attributes) (event.Records[0] as { Sns: Record<string, unknown> }).Sns.MessageAttributes = attributes;
      await pagerduty()(event, lambdaContext());
      await slack()(event, lambdaContext());
      const [pd] = bodies(h.pd) as { event_action: string; dedup_key: string; payload: { summary: string; custom_details: { problems: string[] } } }[];
      assert.equal(pd.event_action, "trigger");
      assert.equal(pd.payload.summary, "[FIRING:1] ErrorBudgetBurningFast");
      assert.match(pd.payload.custom_details.problems.join("; "), problem);
      const [post] = bodies(h.slack) as { blocks: { type: string; elements?: { text: string }[] }[] }[];
      assert.match(post.blocks[2].elements![0].text, /^Not readable as an Alertmanager notification: /);
      const warnings = h.logs.filter((l) => l.level === "warn").map((l) => l.json.msg);
      assert.deepEqual(warnings, Array(2).fill("message looks like an Alertmanager notification but cannot be read as one; forwarding it as a plain message"));
    });
  }
});
