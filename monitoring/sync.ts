// The step that makes a new configuration live without touching the running service: copy the
// staged files into a new version folder, check them with the service's own tool, switch the
// `current` link, and ask the service to reload; when the reload fails, switch back. A file the
// tool refuses fails the step with the tool's message, and the running configuration stays as
// it was. One POSIX sh script (busybox in the official images, dash here) serves the sync
// containers of the Docker stack and the local pipeline, so both run the same logic.
import { CURRENT, SECRETS, type Configured } from "./layout";

export interface SyncPlan {
  service: Configured;
  /** Folder holding the staged files of this service (its part of the tree, plus secrets/). */
  staged: string;
  /** The configuration folder the service reads `<live>/current/...` from. */
  live: string;
  /** uid:gid the files are given to (the service's user); none keeps the copier's. */
  owner?: string;
  /** Base URL of the service, for readiness and reload; none when it runs nowhere yet. */
  url?: string;
  /** Basic auth for the service's API: user, and a staged file holding the password. */
  auth?: { user: string; passwordFile: string };
  /** Commands (the tools on PATH) that check the new version folder `$new`; a non-zero exit refuses it. */
  check: string[];
  /** HTTP POST paths that make the service read its files again. */
  reload: string[];
}

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

/**
 * wget's argument that authenticates as `user` with the password in a file (a shell expression
 * for its path): computed when the command runs, so the password is in no script or input.
 */
export const wgetBasicAuth = (user: string, passwordFile: string): string =>
  `--header "Authorization: Basic $(printf '%s:%s' ${sq(user)} "$(cat ${passwordFile})" | base64 | tr -d '\\n')"`;

export function syncScript(plan: SyncPlan): string {
  const auth = plan.auth ? wgetBasicAuth(plan.auth.user, `"$new/${plan.auth.passwordFile}"`) : "";
  const call = (path: string, post: boolean) => `wget -q -O - ${post ? "--post-data= " : ""}${auth} ${sq(`${plan.url ?? ""}${path}`)}`;
  const reload = plan.reload.map((p) => `${call(p, true)} >/dev/null`).join(" && ");
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
${
  plan.url
    ? `if ${call(READY[plan.service], false)} >/dev/null 2>&1; then
  if ! { ${reload}; }; then
    if [ -n "$previous" ]; then ln -sfn "$previous" "$live/${CURRENT}"; { ${reload}; } || true; fi
    echo "${plan.service}: reload failed; back on the previous configuration ($previous)" >&2
    exit 1
  fi
  echo "${plan.service}: reloaded $version"
else
  echo "${plan.service}: not running yet; it reads $version when it starts"
fi`
    : `echo "${plan.service}: $version is live"`
}
for old in "$live"/v*; do
  case "$(basename "$old")" in "$version"|"$previous") ;; *) rm -rf "$old" ;; esac
done
`;
}
