#!/usr/bin/env bash
# Load test of `portalkb serve` with wrk: indexes the bundled corpus (or a
# generated one with COUNT=N documents, via build/bench/generate_corpus),
# starts the server on a free port with a scoped search key, and runs wrk
# with bench/load/search.lua. Environment: BUILD (default build), THREADS
# (server threads, 16), CONNECTIONS (16), DURATION (10s), COUNT (0: corpus).
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${BUILD:-build}"
portalkb="$build/cli/portalkb"
command -v wrk >/dev/null || { echo "wrk is not installed (scripts/setup.sh)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
if [ "${COUNT:-0}" -gt 0 ]; then
  "$build/bench/generate_corpus" --count "$COUNT" --out "$work/docs.jsonl"
  "$portalkb" index --db "$work/db" "$work/docs.jsonl" >/dev/null
else
  "$portalkb" index --db "$work/db" corpus/articles corpus/documents >/dev/null || true
fi
umask 077
printf 'load %s\n' "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$work/secrets"
cat > "$work/config.yaml" <<YAML
rate_limits: {per_key: {rate: 0}, per_client: {rate: 0}}
YAML
key="$("$portalkb" keys mint --secret-file "$work/secrets" --key-id load --role customer --ttl 1h)"
"$portalkb" serve --db "$work/db" --listen 127.0.0.1:0 --threads "${THREADS:-16}" --config "$work/config.yaml" \
  --key-secrets "$work/secrets" --log-level warn 2> "$work/serve.log" &
touch "$work/serve.log"
server=$!
for _ in $(seq 1 200); do
  grep -q "portalkb serve: http" "$work/serve.log" && break
  sleep 0.05
done
url="$(grep -o 'http://127.0.0.1:[0-9]*/' "$work/serve.log" | head -1)"
[ -n "$url" ] || { cat "$work/serve.log" >&2; exit 1; }
echo "server $url, $(${portalkb} stats --db "$work/db" | head -1)"
PORTALKB_KEY="$key" wrk -t2 -c "${CONNECTIONS:-16}" -d "${DURATION:-10s}" --latency -s bench/load/search.lua "$url" \
  | tee "$work/wrk.out"
! grep -q FAILED "$work/wrk.out"
