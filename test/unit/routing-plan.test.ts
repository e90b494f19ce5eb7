// The routing plan (monitoring/alertmanager/routing-plan.ts) is the one place the routing intent
// is decided: its branches follow the routing data in order, and the stack's Alertmanager tree,
// AMP's tree and the oracle are renderings of it. The amtool suites prove each rendering does what
// the oracle says; these tests pin the plan itself, fast.
import * as assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { expectedReceivers, matchersOf, routingTree } from "../../monitoring/alertmanager/routes";
import { holds, routingPlan } from "../../monitoring/alertmanager/routing-plan";
import { ampAlertmanager, offlineTopicArns } from "../../monitoring/amp/alertmanager";
import { LABELS, RECEIVERS } from "../../monitoring/conventions";
import { settingsOf, settingsWith } from "../helpers/tools";

describe("routing plan", () => {
  const prod = settingsOf("prod");
  const plan = routingPlan(prod);

  it("has the budget-policy branch, one per severity with a tier in severity order, then the rest", () => {
    assert.deepEqual(
      plan.branches.map((b) => [matchersOf(b.when), b.repeatInterval, b.first]),
      [
        [[`${LABELS.policyAction}=~".+"`], prod.alertmanager.repeatInterval.info, { pagerduty: false, slack: ["slo"], email: ["slo"] }],
        [['severity="critical"'], prod.alertmanager.repeatInterval.critical, { pagerduty: true, slack: ["critical"], email: ["oncall"] }],
        [['severity="warning"'], prod.alertmanager.repeatInterval.warning, { pagerduty: false, slack: ["platform"], email: [] }],
        [[], undefined, { pagerduty: false, slack: [], email: [] }],
      ],
    );
  });

  it("gives budget-policy alerts to the service's owner without the category rules (the SLO team already heard)", () => {
    const [policy, critical] = plan.branches;
    assert.ok(!policy.owners.some((o) => o.match.some((c) => c.label === LABELS.category)));
    assert.deepEqual(critical.owners.slice(0, 3).map((o) => [o.team, o.match[0].values]), [
      ["slo", ["slo"]],
      ["database", ["database"]],
      ["infrastructure", ["infrastructure", "cache"]],
    ]);
    for (const b of plan.branches) assert.deepEqual(b.owners.at(-1), { team: "platform", match: [] }, "the default team owns the rest");
  });

  it("takes an empty label for a missing one: a budget-policy condition needs a value", () => {
    const [policy] = plan.branches;
    assert.ok(holds(policy.when, { [LABELS.policyAction]: "freeze" }));
    assert.ok(!holds(policy.when, { [LABELS.policyAction]: "" }));
    assert.ok(!holds(policy.when, {}));
  });

  it("follows the data: a severity without a tier falls to the owners, a team without e-mail gets none", () => {
    const s = settingsWith("prod", {
      notifications: { ...prod.notifications, teams: { ...prod.notifications.teams, slo: { slack: { channel: "#slo" } } }, routing: { ...prod.notifications.routing, severities: { critical: prod.notifications.routing.severities.critical } } },
    });
    const p = routingPlan(s);
    assert.deepEqual(p.branches[0].first, { pagerduty: false, slack: ["slo"], email: [] });
    assert.equal(p.branches.length, 3);
    assert.deepEqual(expectedReceivers(s, { severity: "warning", plane: "app" }), [RECEIVERS.slack("app-plane"), RECEIVERS.email("app-plane")]);
  });

  it("is what both trees are rendered from: the Watchdog, a subtree per conditional branch, then the rest's owner rules, in the plan's order", () => {
    const rest = plan.branches.at(-1)!;
    const expected = [
      ['alertname="Watchdog"'],
      ...plan.branches.filter((b) => b.when.length > 0).map((b) => matchersOf(b.when)),
      ...rest.owners.map((o) => (o.match.length > 0 ? matchersOf(o.match) : undefined)),
    ];
    const amp = parseYaml(ampAlertmanager(prod, offlineTopicArns(prod), "us-east-1").config) as { route: { routes: { matchers?: string[] }[] } };
    assert.deepEqual(routingTree(prod).routes!.map((r) => r.matchers), expected);
    assert.deepEqual(amp.route.routes.map((r) => r.matchers), expected);
  });
});
