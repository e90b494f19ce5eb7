set -eu
live='/etc/grafana/stack'
log="$live/.reload.log"
version="$(readlink "$live/current")"
previous="$(cat "$live/.previous" 2>/dev/null || true)"
api() {
  printf 'user = "%s:%s"\n' 'admin' "$(sed 's/[\\"]/\\&/g' "$live/current/secrets/admin_password")" | curl --config - --silent --show-error --max-time 30 --output /dev/null "$@"
}
back() {
  if [ -n "$previous" ]; then ln -sfn "$previous" "$live/current"; { api --fail --request POST 'http://grafana:3000/api/admin/provisioning/datasources/reload' 2>>"$log" && api --fail --request POST 'http://grafana:3000/api/admin/provisioning/dashboards/reload' 2>>"$log"; } || true; fi
  cat "$log" >&2
  rm -f "$log"
  echo "grafana: $1; back on the previous configuration ($previous)" >&2
  exit 1
}
: >"$log"
if ready="$(api --write-out '%{http_code}' 'http://grafana:3000/api/health' 2>>"$log")"; then :; else ready="curl exit $?"; fi
case "$ready" in
  200)
    { api --fail --request POST 'http://grafana:3000/api/admin/provisioning/datasources/reload' 2>>"$log" && api --fail --request POST 'http://grafana:3000/api/admin/provisioning/dashboards/reload' 2>>"$log"; } || back "reload failed"
    echo "grafana: reloaded $version" ;;
  503|"curl exit 6"|"curl exit 7")
    echo "grafana: not running yet; it reads $version when it starts" ;;
  *)
    back "its API at http://grafana:3000 did not answer as expected ($ready)" ;;
esac
rm -f "$log"
