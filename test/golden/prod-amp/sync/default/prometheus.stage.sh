set -eu
staged='/staging'
live='/etc/prometheus'
version="v$(date -u +%Y%m%dT%H%M%S)-$$"
new="$live/$version"
mkdir -p "$live"
rm -rf "$new"
mkdir -p "$new"
cp -R "$staged/." "$new/"
chmod -R u+rwX,go+rX,go-w "$new"
if [ -d "$new/secrets" ]; then
  chmod 0500 "$new/secrets"
  for f in "$new/secrets"/*; do if [ -f "$f" ]; then chmod 0400 "$f"; fi; done
fi
chown -R '65534:65534' "$new"
if ! promtool check config "$new/prometheus.yml" >"$live/.check.log" 2>&1; then
  cat "$live/.check.log" >&2
  rm -rf "$new" "$live/.check.log"
  echo "prometheus: refused the new configuration; the running one is unchanged" >&2
  exit 1
fi
rm -f "$live/.check.log"
previous="$(readlink "$live/current" 2>/dev/null || true)"
ln -sfn "$version" "$live/current"
printf '%s\n' "$previous" >"$live/.previous"
for old in "$live"/v*; do
  case "$(basename "$old")" in "$version"|"$previous") ;; *) rm -rf "$old" ;; esac
done
