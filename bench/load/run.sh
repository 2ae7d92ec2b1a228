#!/usr/bin/env bash
# Load test of `portalkb serve` with wrk on loopback, and the same query mix
# in-process, in one run so the HTTP cost is a ratio.
#
#   COUNT=100000 bench/load/run.sh
#
# Indexes the bundled corpus (or COUNT generated documents, via
# build/bench/generate_corpus), mints a search key per principal of
# bench/load/mix.tsv, starts the server on a free port, and then RUNS times:
# the mix in-process (build/bench/inprocess_mix, INPROC_THREADS threads) and
# through wrk (CONNECTIONS connections); it prints each run and the medians.
# With MEMORY_SECONDS=N (e.g. 300) it then drives the server for N seconds
# more, sampling its resident memory and the analytics queue (searches
# logged, not yet written) every 10 s, and prints first, last, max and the
# slope. The machine's load average is printed before and after,
# and the CPU time per search of both (the server's from /proc), which does
# not depend on how busy a shared machine is: 1000 * nproc / that is the
# rate an otherwise idle machine would reach.
# Needs a build with benchmarks (-DPORTALKB_BUILD_BENCHMARKS=ON).
# Environment: BUILD (build), THREADS (server threads, 16: at least CONNECTIONS,
# since httplib serves a connection on one thread until it closes), CONNECTIONS (8),
# DURATION (wrk seconds per run, 20), RUNS (3), INPROC_THREADS (CONNECTIONS: as
# many searches at once as wrk keeps in flight), COUNT (0:
# bundled corpus), DB (reuse or build the index there), MEMORY_SECONDS (0).
# Fails when an answer is not 2xx or a socket error occurs.
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${BUILD:-build}"
portalkb="$build/cli/portalkb"
threads="${THREADS:-16}"
connections="${CONNECTIONS:-8}"
duration="${DURATION:-20}"
runs="${RUNS:-3}"
inproc_threads="${INPROC_THREADS:-$connections}"
command -v wrk >/dev/null || { echo "wrk is not installed (scripts/setup.sh)" >&2; exit 2; }
for tool in "$portalkb" "$build/bench/inprocess_mix"; do
  [ -x "$tool" ] || { echo "$tool is missing: build with -DPORTALKB_BUILD_BENCHMARKS=ON" >&2; exit 2; }
done
work="$(mktemp -d)"
server=""
trap '[ -n "$server" ] && { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }; rm -rf "$work"' EXIT
db="${DB:-$work/db}"
if [ ! -d "$db" ]; then
  if [ "${COUNT:-0}" -gt 0 ]; then
    "$build/bench/generate_corpus" --count "$COUNT" --out "$work/docs.jsonl"
    "$portalkb" index --db "$db" "$work/docs.jsonl" >/dev/null
    rm -f "$work/docs.jsonl"
  else
    "$portalkb" index --db "$db" corpus/articles corpus/documents >/dev/null || true
  fi
fi
umask 077
printf 'load %s\n' "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$work/secrets"
cat > "$work/config.yaml" <<YAML
rate_limits: {per_key: {rate: 0}, per_client: {rate: 0}}
YAML
# The principals of mix.tsv, as inprocess_mix runs them.
mint() { "$portalkb" keys mint --secret-file "$work/secrets" --key-id load --ttl 1h "$@"; }
keys="public=$(mint --public) customer=$(mint --org org7 --role customer)"
keys="$keys finance=$(mint --org org12 --role finance) agent=$(mint --role support-agent)"
# An admin key, so the memory run can read the analytics queue from /metrics.
admin_key="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s' "$admin_key" | "$portalkb" keys hash > "$work/admin.sha256"
"$portalkb" serve --db "$db" --listen 127.0.0.1:0 --threads "$threads" --config "$work/config.yaml" \
  --key-secrets "$work/secrets" --admin-key-hash "$work/admin.sha256" --log-level warn 2> "$work/serve.log" &
server=$!
for _ in $(seq 1 400); do
  grep -q "portalkb serve: http" "$work/serve.log" 2>/dev/null && break
  sleep 0.05
done
url="$(grep -o 'http://127.0.0.1:[0-9]*/' "$work/serve.log" | head -1 || true)"
[ -n "$url" ] || { cat "$work/serve.log" >&2; exit 1; }
echo "server $url (threads $threads), $("$portalkb" stats --db "$db" | head -1)"
echo "load before: $(uptime)"

median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
# CPU milliseconds the server has used (user + system, all threads).
server_cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) * 1000 / hz}' "/proc/$server/stat"; }
: > "$work/inproc.txt"
: > "$work/http.txt"
for run in $(seq 1 "$runs"); do
  inproc="$("$build/bench/inprocess_mix" --db "$db" --mix bench/load/mix.tsv --threads "$inproc_threads" \
            --seconds "$duration")"
  echo "run $run in-process: $inproc"
  echo "$inproc" | sed -E 's/.*"searches_per_second": ([0-9.]+).*"p99_ms": ([0-9.]+), "cpu_ms_per_search": ([0-9.]+).*/\1 \2 \3/' \
    >> "$work/inproc.txt"
  cpu_before="$(server_cpu_ms)"
  PORTALKB_KEYS="$keys" wrk -t2 -c "$connections" -d "${duration}s" --latency -s bench/load/search.lua "$url" \
    > "$work/wrk.out"
  cpu_after="$(server_cpu_ms)"
  done_requests="$(sed -nE 's/^requests ([0-9]+),.*/\1/p' "$work/wrk.out")"
  http_cpu="$(awk -v a="$cpu_before" -v b="$cpu_after" -v n="$done_requests" 'BEGIN {printf "%.2f", (b - a) / n}')"
  echo "run $run http: $(grep -E '^requests|^latency p' "$work/wrk.out" | tr '\n' ' ')server cpu ms per search $http_cpu"
  if grep -q FAILED "$work/wrk.out" || ! grep -q 'socket errors 0$' "$work/wrk.out"; then
    cat "$work/wrk.out" >&2
    exit 1
  fi
  rate="$(sed -nE 's/^requests [0-9]+, ([0-9.]+)\/s.*/\1/p' "$work/wrk.out")"
  p99="$(sed -nE 's/^latency p99 ([0-9.]+) ms/\1/p' "$work/wrk.out")"
  echo "$rate $p99 $http_cpu" >> "$work/http.txt"
done
in_rate="$(cut -d' ' -f1 "$work/inproc.txt" | median)"
in_p99="$(cut -d' ' -f2 "$work/inproc.txt" | median)"
http_rate="$(cut -d' ' -f1 "$work/http.txt" | median)"
http_p99="$(cut -d' ' -f2 "$work/http.txt" | median)"
in_cpu="$(cut -d' ' -f3 "$work/inproc.txt" | median)"
http_cpu="$(cut -d' ' -f3 "$work/http.txt" | median)"
echo "median of $runs: in-process $in_rate searches/s (p99 $in_p99 ms), http $http_rate searches/s" \
  "(p99 $http_p99 ms), http/in-process $(awk -v a="$http_rate" -v b="$in_rate" 'BEGIN {printf "%.2f", a / b}')"
echo "median cpu ms per search: in-process $in_cpu, http $http_cpu (in-process/http" \
  "$(awk -v a="$in_cpu" -v b="$http_cpu" 'BEGIN {printf "%.2f", a / b}')); on $(nproc) idle cores that is" \
  "$(awk -v c="$in_cpu" -v n="$(nproc)" 'BEGIN {printf "%.0f", 1000 * n / c}') and" \
  "$(awk -v c="$http_cpu" -v n="$(nproc)" 'BEGIN {printf "%.0f", 1000 * n / c}') searches/s"
echo "load after: $(uptime)"

if [ "${MEMORY_SECONDS:-0}" -gt 0 ]; then
  # Resident KiB: all, anonymous (heap), file-backed (mapped index files).
  rss() { awk '/^VmRSS:/ {r=$2} /^RssAnon:/ {a=$2} /^RssFile:/ {f=$2} END {print r, a, f}' "/proc/$server/status"; }
  # Searches logged but not yet written to the analytics log.
  queue() {
    curl -s -H "Authorization: Bearer $admin_key" "${url}metrics" |
      awk '/^portalkb_analytics_queue_depth / {q=$2} END {print (q == "" ? "?" : q)}'
  }
  PORTALKB_KEYS="$keys" wrk -t2 -c "$connections" -d "${MEMORY_SECONDS}s" --latency -s bench/load/search.lua \
    "$url" > "$work/wrk-memory.out" &
  driver=$!
  : > "$work/rss.txt"
  elapsed=0
  while kill -0 "$driver" 2>/dev/null && [ "$elapsed" -le "$MEMORY_SECONDS" ]; do
    echo "$elapsed $(rss) $(queue)" >> "$work/rss.txt"
    sleep 10
    elapsed=$((elapsed + 10))
  done
  wait "$driver"
  echo "memory run http: $(grep -E '^requests|^latency p' "$work/wrk-memory.out" | tr '\n' ' ')"
  # Least-squares slope of RSS over time in MiB per minute: over every
  # sample, and from 10 s on (the first seconds fill caches and pools).
  awk '{t[NR]=$1; r[NR]=$2; if ($2 > max) max = $2}
       function slope(from,   i, k, st, sr, mt, mr, num, den) {
         for (i = from; i <= NR; i++) {st += t[i]; sr += r[i]; k++}
         mt = st / k; mr = sr / k
         for (i = from; i <= NR; i++) {num += (t[i] - mt) * (r[i] - mr); den += (t[i] - mt) ^ 2}
         return (den > 0 ? num / den : 0) * 60 / 1024
       }
       END {printf "rss samples %d every 10 s: first %.1f MiB, last %.1f MiB, max %.1f MiB, slope %.3f MiB/min" \
                   " (%.3f from 10 s on)\n", NR, r[1] / 1024, r[NR] / 1024, max / 1024, slope(1), slope(2)}' \
    "$work/rss.txt"
  awk '{printf "%s%ss %.1f (anon %.1f, file %.1f, queue %s)", (NR > 1 ? ", " : "rss MiB by time: "), $1, $2 / 1024,
              $3 / 1024, $4 / 1024, $5} END {print ""}' "$work/rss.txt"
  if grep -q FAILED "$work/wrk-memory.out" || ! grep -q 'socket errors 0$' "$work/wrk-memory.out"; then
    cat "$work/wrk-memory.out" >&2
    exit 1
  fi
  echo "load after memory run: $(uptime)"
fi
