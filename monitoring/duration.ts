// Prometheus durations as seconds: defined with the settings, which check windows with it.
export { durationOf, durationSeconds } from "../settings/duration";
