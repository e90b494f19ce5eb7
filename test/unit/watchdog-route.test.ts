// The Watchdog route repeats at every flush: Alertmanager repeats a group only when more than
// repeat_interval has passed at a flush (every group_interval), so equal intervals send the
// heartbeat every other interval (seen with real Alertmanager: every 2 minutes for a 1m setting).
import * as assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { routingTree, watchdogRepeat } from "../../monitoring/alertmanager/routes";
import { durationSeconds } from "../../monitoring/duration";
import { renderFiles } from "../../monitoring/files";
import { settingsOf, settingsWith } from "../helpers/tools";

describe("Watchdog route", () => {
  for (const every of ["1m", "2s", "5m"]) {
    it(`repeats at every flush for repeatInterval.watchdog = ${every}`, () => {
      const s = settingsWith("dev", { alertmanager: { repeatInterval: { ...settingsOf("dev").alertmanager.repeatInterval, watchdog: every } } });
      const route = routingTree(s).routes!.find((r) => r.matchers?.includes('alertname="Watchdog"'))!;
      assert.equal(route.group_interval, every);
      const repeat = durationSeconds(route.repeat_interval!);
      assert.ok(repeat < durationSeconds(every) && repeat >= durationSeconds(every) * 0.5, `repeat_interval ${route.repeat_interval} for ${every}`);
      assert.equal(route.repeat_interval, watchdogRepeat(every));
    });
  }

  it("is what the rendered alertmanager.yml holds", () => {
    const am = parseYaml(renderFiles(settingsOf("prod"))["alertmanager/alertmanager.yml"]);
    const route = am.route.routes.find((r: { matchers?: string[] }) => r.matchers?.includes('alertname="Watchdog"'));
    assert.deepEqual([route.group_interval, route.repeat_interval], ["1m", "54s"]);
  });
});
