// Alert thresholds and Docker ports that only make sense together.
import { Check } from "./context";

export const thresholds: Check = ({ s, problem }) => {
  if (s.alerts.criticalErrorRatio <= s.alerts.highErrorRatio) {
    problem("alerts", ["alerts", "criticalErrorRatio"], s.alerts.criticalErrorRatio, `must be greater than alerts.highErrorRatio (${s.alerts.highErrorRatio})`);
  }
  const ports = Object.entries(s.docker.ports);
  ports.forEach(([name, p], i) => {
    const other = ports.findIndex(([, q]) => q === p);
    if (other < i) problem("docker", ["docker", "ports", name], p, `is already used by docker.ports.${ports[other][0]}`);
  });
};
