#!/usr/bin/env bash
# One search as a whole process: `portalkb search --no-log` against the
# sqlite3 shell running the same words through SQLite FTS5 (unicode61,
# diacritics removed) on the same corpus. Prints the median and p90 of RUNS
# runs of each (default 25) and the ratio of the medians. Both processes
# start cold in the sense that matters to a script or a portal calling the
# CLI: a fresh process, with the files in the page cache (one warm-up run
# each is not counted).
#
#   bench/cli_startup.sh [--corpus FILE.jsonl] [--work-dir DIR] [--runs N] [--query "WORDS"]
#
# Without --corpus it generates 100,000 documents (build/bench/generate_corpus).
# The indexes are built once in the work directory and reused when they are
# already there (delete the directory to rebuild).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${PORTALKB_BUILD_DIR:-$root/build}"
corpus=""
work="${TMPDIR:-/tmp}/portalkb-cli-startup"
runs=25
query="prijsafspraken staffelkorting"
while [ $# -gt 0 ]; do
  case "$1" in
    --corpus) corpus="$2"; shift 2 ;;
    --work-dir) work="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --query) query="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "cli_startup.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$runs" in
  ''|*[!0-9]*) echo "cli_startup.sh: --runs must be a number, not '$runs'" >&2; exit 2 ;;
esac
if [ "$runs" -lt 5 ] || [ "$runs" -gt 1000 ]; then
  echo "cli_startup.sh: --runs must be 5..1000" >&2; exit 2
fi
portalkb="$build/cli/portalkb"
for tool in "$portalkb" sqlite3; do
  command -v "$tool" >/dev/null || { echo "cli_startup.sh: '$tool' not found (build first)" >&2; exit 2; }
done
mkdir -p "$work"
if [ -z "$corpus" ]; then
  corpus="$work/corpus-100k.jsonl"
  [ -s "$corpus" ] || "$build/bench/generate_corpus" --count 100000 --out "$corpus" >/dev/null
fi
[ -r "$corpus" ] || { echo "cli_startup.sh: cannot read corpus '$corpus'" >&2; exit 2; }

index="$work/portalkb"
fts="$work/fts5.db"
if [ ! -d "$index" ]; then
  echo "building the portalkb index in $index ..." >&2
  "$portalkb" index --db "$index" "$corpus" >/dev/null
fi
if [ ! -s "$fts" ]; then
  echo "building the FTS5 index in $fts ..." >&2
  us=$'\x1f'  # ascii mode's column separator: never in a JSON line, so a line is one column
  sqlite3 "$fts.tmp" <<EOF
CREATE TABLE raw(line TEXT);
.mode ascii
.separator "$us" "\n"
.import '$corpus' raw
CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, summary, body, tags, category,
  tokenize='unicode61 remove_diacritics 2');
INSERT INTO docs SELECT line->>'id', line->>'title', line->>'summary', line->>'body',
  (SELECT group_concat(value, ' ') FROM json_each(line->'tags')), line->>'category' FROM raw;
DROP TABLE raw;
VACUUM;
EOF
  mv "$fts.tmp" "$fts"
fi

# FTS5's query language: each word quoted, so the words are matched as words.
fts_query=""
for w in $query; do fts_query+="${fts_query:+ }\"${w//\"/}\""; done
fts_sql="SELECT id FROM docs WHERE docs MATCH '${fts_query//\'/\'\'}' ORDER BY rank LIMIT 10;"

run_portalkb() { "$portalkb" search --db "$index" --no-log --json $query; }
run_sqlite() { sqlite3 "$fts" "$fts_sql"; }

# Both must find something, or the timing means nothing.
found_ours=$(run_portalkb | grep -o '"id":"[^"]*"' | wc -l)
found_theirs=$(run_sqlite | wc -l)
if [ "$found_ours" -eq 0 ] || [ "$found_theirs" -eq 0 ]; then
  echo "cli_startup.sh: '$query' finds $found_ours hits in portalkb and $found_theirs in FTS5; pick a query both find" >&2
  exit 1
fi

# Milliseconds of one run of "$@", output discarded.
time_ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null
  end=$(date +%s%N)
  echo $(((end - start) / 1000))  # microseconds
}
# Median and p90 of microsecond figures on stdin, printed in ms.
stats() { sort -n | awk '{ v[NR] = $1 } END { printf "%.1f %.1f\n", v[int((NR + 1) / 2)] / 1000, v[int(NR * 0.9 + 0.5)] / 1000 }'; }

ours=() theirs=()
for ((i = 0; i <= runs; i++)); do
  # Interleaved, so a burst of load on the machine hits both alike.
  o=$(time_ms run_portalkb)
  t=$(time_ms run_sqlite)
  [ "$i" -eq 0 ] && continue  # warm-up
  ours+=("$o") theirs+=("$t")
done
read -r ours_median ours_p90 < <(printf '%s\n' "${ours[@]}" | stats)
read -r theirs_median theirs_p90 < <(printf '%s\n' "${theirs[@]}" | stats)
echo "query: $query ($found_ours hits in portalkb, $found_theirs in FTS5); $runs runs each; load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %10s %10s\n' "" "median ms" "p90 ms"
printf '%-34s %10s %10s\n' "portalkb search --no-log" "$ours_median" "$ours_p90"
printf '%-34s %10s %10s\n' "sqlite3 (FTS5)" "$theirs_median" "$theirs_p90"
awk -v a="$ours_median" -v b="$theirs_median" 'BEGIN { printf "ratio of the medians: %.1fx (target <= 3x)\n", a / b }'
