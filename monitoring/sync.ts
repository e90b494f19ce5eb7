// The step that makes a new configuration live without touching the running service, in two
// parts. Stage: copy the staged files into a new version folder, check them with the service's
// own tool, and switch the `current` link; a file the tool refuses fails the step with the
// tool's message, and the running configuration stays as it was. Reload: ask the service to read
// its files again, and when it cannot, switch back. POSIX sh scripts (busybox in the images, dash
// here): the Docker stack runs each in its own one-shot container (the stage in the service's
// image, which has its tool; the reload in the curl image, the one client that verifies TLS and
// takes credentials on its standard input), the local pipeline runs both one after the other.
import { CURRENT, SECRETS, type Configured } from "./layout";

export interface StagePlan {
  service: Configured;
  /** Folder holding the staged files of this service (its part of the tree, plus secrets/). */
  staged: string;
  /** The configuration folder the service reads `<live>/current/...` from. */
  live: string;
  /** uid:gid the files are given to (the service's user); none keeps the copier's. */
  owner?: string;
  /** Commands (the tools on PATH) that check the new version folder `$new`; a non-zero exit refuses it. */
  check: string[];
}

export interface ReloadPlan {
  service: Configured;
  live: string;
  /** Base URL of the service, for readiness and reload; none when it runs nowhere yet. */
  url?: string;
  /** Basic auth for the service's API: user, and the file (in a version folder) holding the password. */
  auth?: { user: string; passwordFile: string };
  /** With https: the CA certificate (in a version folder) the service's certificate must chain to. */
  ca?: string;
  /** HTTP POST paths that make the service read its files again. */
  reload: string[];
}

export type SyncPlan = StagePlan & ReloadPlan;

/** A shell word in single quotes. */
const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** What each service's tool checks, run on the new version folder `$new`. */
export const CHECKS: Record<Configured, string[]> = {
  // check config also loads every rule file prometheus.yml names (relative to it).
  prometheus: ['promtool check config "$new/prometheus.yml"'],
  alertmanager: ['amtool check-config "$new/alertmanager.yml"'],
  // Grafana has no offline checker; its files are generated models (test/unit/dashboards.test.ts).
  grafana: [],
};

/** How each service is told to read its files again. */
export const RELOADS: Record<Configured, string[]> = {
  prometheus: ["/-/reload"],
  alertmanager: ["/-/reload"],
  grafana: ["/api/admin/provisioning/datasources/reload", "/api/admin/provisioning/dashboards/reload"],
};

/** Readiness: Prometheus and Alertmanager answer /-/ready once loaded, Grafana /api/health. */
const READY: Record<Configured, string> = { prometheus: "/-/ready", alertmanager: "/-/ready", grafana: "/api/health" };

/** Where the stage step notes the version it replaced, for the reload step's way back. */
const PREVIOUS = ".previous";

export function stageScript(plan: StagePlan): string {
  return `set -eu
staged=${sq(plan.staged)}
live=${sq(plan.live)}
version="v$(date -u +%Y%m%dT%H%M%S)-$$"
new="$live/$version"
mkdir -p "$live"
rm -rf "$new"
mkdir -p "$new"
cp -R "$staged/." "$new/"
chmod -R u+rwX,go+rX,go-w "$new"
if [ -d "$new/${SECRETS}" ]; then
  chmod 0500 "$new/${SECRETS}"
  for f in "$new/${SECRETS}"/*; do if [ -f "$f" ]; then chmod 0400 "$f"; fi; done
fi
${plan.owner ? `chown -R ${sq(plan.owner)} "$new"` : ":"}
${plan.check
  .map(
    (check) => `if ! ${check} >"$live/.check.log" 2>&1; then
  cat "$live/.check.log" >&2
  rm -rf "$new" "$live/.check.log"
  echo "${plan.service}: refused the new configuration; the running one is unchanged" >&2
  exit 1
fi
`,
  )
  .join("")}rm -f "$live/.check.log"
previous="$(readlink "$live/${CURRENT}" 2>/dev/null || true)"
ln -sfn "$version" "$live/${CURRENT}"
printf '%s\\n' "$previous" >"$live/${PREVIOUS}"
for old in "$live"/v*; do
  case "$(basename "$old")" in "$version"|"$previous") ;; *) rm -rf "$old" ;; esac
done
`;
}

/** Escapes for the inside of a double-quoted string of a curl configuration file. */
const curlEscape = (s: string): string => s.replace(/[\\"]/g, "\\$&");

/**
 * A shell function `api [curl options] URL` that calls the service. The password goes to curl on
 * its standard input (`--config -`, written by the shell's printf builtin), so it is in no
 * process's arguments; with a CA, curl accepts only a certificate that chains to it.
 */
function apiFunction(plan: ReloadPlan): string {
  const inVersion = (file: string) => `"$live/${CURRENT}/${file}"`;
  const options = `--silent --show-error --max-time 30 --output /dev/null${plan.ca ? ` --cacert ${inVersion(plan.ca)}` : ""}`;
  if (!plan.auth) return `api() { curl ${options} "$@"; }`;
  return `api() {
  printf 'user = "%s:%s"\\n' ${sq(curlEscape(plan.auth.user))} "$(sed 's/[\\\\"]/\\\\&/g' ${inVersion(plan.auth.passwordFile)})" | curl --config - ${options} "$@"
}`;
}

/**
 * Reload when the service answers ready; say it is not running when nothing listens (curl 6: no
 * such host, 7: refused) or it is still starting (503): it reads `current` when it is ready. Any
 * other answer (an untrusted certificate, refused credentials, a timeout) fails the step, back on
 * the previous version, rather than pass for "not running".
 */
export function reloadScript(plan: ReloadPlan): string {
  if (!plan.url) return `set -eu\necho "${plan.service}: $(readlink ${sq(`${plan.live}/${CURRENT}`)}) is live"\n`;
  const url = (path: string) => sq(`${plan.url}${path}`);
  const reload = plan.reload.map((p) => `api --fail --request POST ${url(p)} 2>>"$log"`).join(" && ");
  return `set -eu
live=${sq(plan.live)}
log="$live/.reload.log"
version="$(readlink "$live/${CURRENT}")"
previous="$(cat "$live/${PREVIOUS}" 2>/dev/null || true)"
${apiFunction(plan)}
back() {
  if [ -n "$previous" ]; then ln -sfn "$previous" "$live/${CURRENT}"; { ${reload}; } || true; fi
  cat "$log" >&2
  rm -f "$log"
  echo "${plan.service}: $1; back on the previous configuration ($previous)" >&2
  exit 1
}
: >"$log"
if ready="$(api --write-out '%{http_code}' ${url(READY[plan.service])} 2>>"$log")"; then :; else ready="curl exit $?"; fi
case "$ready" in
  200)
    { ${reload}; } || back "reload failed"
    echo "${plan.service}: reloaded $version" ;;
  503|"curl exit 6"|"curl exit 7")
    echo "${plan.service}: not running yet; it reads $version when it starts" ;;
  *)
    back "its API at ${plan.url} did not answer as expected ($ready)" ;;
esac
rm -f "$log"
`;
}

/** Both parts, one after the other (the local pipeline). */
export const syncScript = (plan: SyncPlan): string => `${stageScript(plan)}${reloadScript(plan)}`;
