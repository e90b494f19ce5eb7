// Maintenance windows: one-off or weekly, edges on quarter hours, a time zone without daylight
// saving time, services that exist, names unique.
import { normalise } from "../maintenance";
import { Check } from "./context";

export const maintenance: Check = ({ s, problem }) => {
  const names = new Map<string, number>();
  const services = new Set(s.services.map((svc) => svc.name));
  s.slo.maintenance.forEach((m, j) => {
    const at = ["slo", "maintenance", j];
    if (names.has(m.name)) problem("slo", [...at, "name"], m.name, `duplicates the name of slo.maintenance[${names.get(m.name)}]; maintenance window names must be unique`);
    else names.set(m.name, j);
    (m.services ?? []).forEach((name, k) => {
      if (!services.has(name)) problem("slo", [...at, "services", k], name, `must be a service of this stack: ${[...services].join(", ")}`);
    });
    const r = normalise(m);
    if ("problems" in r) for (const p of r.problems) problem("slo", [...at, ...p.field], p.value, p.message);
  });
};
