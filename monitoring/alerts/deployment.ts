// Deployments: errors rising right after a new version started. A deployment shows as a
// process of the job starting within the window (process_start_time_seconds, which every
// Prometheus client library exports); "rising" compares with the window just before it, so a
// service that was already failing raises HighErrorRate, not this.
import { durationSeconds } from "../duration";
import { AlertGenerator, percent } from "./rule";
import { errorRatio, httpServices, newestProcessStart, RATE_WINDOW } from "./service-metrics";

export const deploymentAlerts: AlertGenerator = (settings) => {
  const a = settings.alerts;
  return httpServices(settings.services).map((w) => {
    const now = errorRatio(w);
    const before = errorRatio(w, a.deploymentWindow, a.deploymentWindow);
    return {
      alert: "DeploymentCausingErrors",
      severity: "critical" as const,
      category: "deployment" as const,
      owner: w.owner,
      expr: w.quiet(
        `(${now} > ${a.highErrorRatio})` +
          ` and on (job) (${now} > ${before})` +
          ` and on (job) (${newestProcessStart(w)} > time() - ${durationSeconds(a.deploymentWindow)})`,
      ),
      for: a.deploymentFor,
      summary: `${w.name} errors rose after a deployment`,
      description: `A new ${w.name} process started within the last ${a.deploymentWindow} and {{ $value | humanizePercentage }} of requests now fail (over ${RATE_WINDOW}), more than before it and above ${percent(a.highErrorRatio)}.`,
    };
  });
};
