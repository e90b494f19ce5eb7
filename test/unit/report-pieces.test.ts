// The pure parts of npm run report: which period a review covers, the policy state of a budget,
// and a report whose label values are hostile (they come from scraped metrics) rendering as text.
import * as assert from "node:assert/strict";
import { DEFAULT_NOISE } from "../../tools/alert-review";
import { renderHtml, renderMarkdown, type Report } from "../../tools/report-render";
import { policyState, reviewPeriod } from "../../tools/slo-review";

const utc = (s: string) => Date.parse(s) / 1000;
const POLICY = { review: 50, freeze: 25, stop: 10 };

describe("npm run report: periods, policy states and escaping", () => {
  it("reviews 7d and 30d up to the given time, and the last whole calendar month (UTC), each against the one before", () => {
    const at = new Date("2026-01-15T10:30:00Z");
    assert.deepEqual(reviewPeriod("7d", at), { name: "7d", start: utc("2026-01-08T10:30:00Z"), end: utc("2026-01-15T10:30:00Z"), previousStart: utc("2026-01-01T10:30:00Z") });
    assert.equal(reviewPeriod("30d", at).previousStart, utc("2025-11-16T10:30:00Z"));
    // In January the last whole month is December, and the one before November.
    assert.deepEqual(reviewPeriod("month", at), { name: "month", start: utc("2025-12-01T00:00:00Z"), end: utc("2026-01-01T00:00:00Z"), previousStart: utc("2025-11-01T00:00:00Z") });
  });

  it("gives the policy state of a budget left, at the levels' edges too", () => {
    assert.deepEqual([0.5, 0.4999, 0.25, 0.2499, 0.1, 0.0999, -0.5].map((r) => policyState(r, POLICY)), ["normal", "review", "review", "freeze", "freeze", "stop", "stop"]);
  });

  it("renders label values as text: no markup, no script, no table cell broken", () => {
    const evil = `x</script><script>alert(1)</script>|<b>`;
    const report: Report = {
      source: "http://prometheus",
      generatedAt: new Date("2026-12-06T00:00:00Z"),
      review: {
        period: reviewPeriod("7d", new Date("2026-12-06T00:00:00Z")),
        policy: POLICY,
        slos: [{ service: evil, slo: "availability", objective: 0.999, attainment: 0.9995, previousAttainment: null, budgetRemaining: 0.5, state: "normal", burnDown: [[1, 0.5]], incidents: [] }],
        maintenance: [{ name: evil, start: 1, end: 61, ongoing: false }],
      },
      alerts: {
        noise: DEFAULT_NOISE,
        alerts: [{ alertname: evil, team: "t", severity: "warning", firings: 1, firingsPerWeek: 1, pagesPerWeek: 0, short: 0, flaps: 0, meanMinutesToResolve: null }],
        neverFired: [],
        resolution: [],
        notifications: [],
        targets: { falsePositivesPerWeek: { value: 0, target: 5, met: true }, mttrMinutes: { value: null, target: 30, met: null } },
      },
    };
    const html = renderHtml(report);
    assert.ok(!html.includes("<script>alert(1)"), "no script from a label");
    assert.ok(!html.includes("<b>"));
    assert.equal(html.match(/<\/script>/g)?.length, 3, "only the report's own three scripts end");
    const md = renderMarkdown(report);
    assert.ok(md.includes("x&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;\\|&lt;b&gt; availability"), "markup as entities, the pipe escaped in the cell");
    assert.ok(!/<[a-z!/]/i.test(md), "nothing a renderer or a chat would take for markup or a mention");
    assert.match(md, /\| 99\.950% \| n\/a \| 50\.0% \| normal \|/);
  });
});
