set -eu
live='/etc/prometheus'
log="$live/.reload.log"
version="$(readlink "$live/current")"
previous="$(cat "$live/.previous" 2>/dev/null || true)"
api() { curl --silent --show-error --max-time 30 --output /dev/null "$@"; }
back() {
  if [ -n "$previous" ]; then ln -sfn "$previous" "$live/current"; { api --fail --request POST 'http://prometheus:9090/-/reload' 2>>"$log"; } || true; fi
  cat "$log" >&2
  rm -f "$log"
  echo "prometheus: $1; back on the previous configuration ($previous)" >&2
  exit 1
}
: >"$log"
if ready="$(api --write-out '%{http_code}' 'http://prometheus:9090/-/ready' 2>>"$log")"; then :; else ready="curl exit $?"; fi
case "$ready" in
  200)
    { api --fail --request POST 'http://prometheus:9090/-/reload' 2>>"$log"; } || back "reload failed"
    echo "prometheus: reloaded $version" ;;
  503|"curl exit 6"|"curl exit 7")
    echo "prometheus: not running yet; it reads $version when it starts" ;;
  *)
    back "its API at http://prometheus:9090 did not answer as expected ($ready)" ;;
esac
rm -f "$log"
