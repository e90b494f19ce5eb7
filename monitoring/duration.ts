// Prometheus durations as seconds: defined with the settings, which check windows with it.
export { durationSeconds } from "../settings/duration";
