import { ruleFiles } from "../monitoring/files";
import { DEFAULT_PLANES, noSecrets, parseSettings } from "../settings";
import { parse } from "yaml";
for (const n of [100, 1000]) {
  const s = parseSettings({ values: { environment: "scale", namePrefix: "scale", runbookBaseUrl: "https://runbooks.example/", services: Array.from({ length: n }, (_, i) => ({ name: `svc-${i}`, plane: DEFAULT_PLANES[i % DEFAULT_PLANES.length], team: "ops", targets: [`svc-${i}:8080`] })), notifications: { teams: { ops: { slack: { channel: "#ops" } } }, routing: { defaultTeam: "ops" } }, rules: { maxGroups: 100000 } }, secrets: noSecrets() }, "scale", { requireSecrets: false });
  for (const [f, text] of Object.entries(ruleFiles(s))) { const g = (parse(text) as { groups: { rules: unknown[] }[] }).groups; console.log(n, f, g.length, "groups", g.reduce((a, x) => a + x.rules.length, 0), "rules", (Buffer.byteLength(text) / 1e3).toFixed(0), "kB"); }
}
