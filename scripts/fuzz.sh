#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang-14 (ASan + UBSan,
# into build-fuzz/) and runs each on a copy of its seed corpus
# (tests/fuzz/corpus/<target>/, plus for the HTML and PDF loaders every such
# file of corpus/documents/) with its dictionary (tests/fuzz/dict/).
#
#   scripts/fuzz.sh [--seconds N] [--long] [--build-dir DIR] [--no-build] [TARGET...]
#
# --seconds N   run each target for N seconds (default 20)
# --long        run each target for 10,000,000 executions or one hour,
#               whichever comes first (the figures the release notes quote)
# --build-dir   the clang build tree (default build-fuzz)
# --no-build    use the targets already built
# TARGET        fuzz_query_parser or query_parser, ...; default: all of them
#
# Prints per target: executions, executions per second, coverage (libFuzzer's
# final "cov:"), and the corpus size. Fails when any target reports a crash,
# an invariant failure, a leak, undefined behaviour, a timeout or running out
# of memory; the input is saved under <build-dir>/fuzz-runs/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=20
long=0
build=1
build_dir=build-fuzz
targets=()
usage() { sed -n '6,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds)
      [ $# -ge 2 ] || usage
      case "$2" in '' | *[!0-9]*) echo "fuzz.sh: --seconds takes a whole number, not '$2'" >&2; exit 2 ;; esac
      seconds="$2"
      shift 2
      ;;
    --long) long=1; shift ;;
    --build-dir)
      [ $# -ge 2 ] || usage
      build_dir="$2"
      shift 2
      ;;
    --no-build) build=0; shift ;;
    -h | --help) usage ;;
    -*) echo "fuzz.sh: unknown option '$1'" >&2; usage ;;
    *) targets+=("fuzz_${1#fuzz_}"); shift ;;
  esac
done

all=()
for source in tests/fuzz/fuzz_*.cc; do
  name="$(basename "$source" .cc)"
  all+=("$name")
done
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
for t in "${targets[@]}"; do
  if [ ! -f "tests/fuzz/$t.cc" ]; then
    echo "fuzz.sh: no fuzz target '$t' (have: ${all[*]})" >&2
    exit 2
  fi
done

if [ "$build" = 1 ]; then
  for tool in clang-14 clang++-14; do
    command -v "$tool" >/dev/null 2>&1 || { echo "fuzz.sh: $tool not found (scripts/setup.sh installs it)" >&2; exit 2; }
  done
  echo "== fuzz build (clang-14, libFuzzer, ASan + UBSan) into $build_dir"
  CC=clang-14 CXX=clang++-14 PORTALKB_BUILD_DIR="$build_dir" PORTALKB_BUILD_TARGETS="${targets[*]}" \
    scripts/build.sh -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPORTALKB_FUZZ=ON -DPORTALKB_WERROR=ON \
    -DPORTALKB_BUILD_TESTS=OFF -DPORTALKB_BUILD_BENCHMARKS=OFF -DPORTALKB_BUILD_PYTHON=OFF
fi

if [ "$long" = 1 ]; then
  limits=(-runs=10000000 -max_total_time=3600)
  echo "== fuzzing ${#targets[@]} target(s), 10M executions or 1 hour each"
else
  limits=(-max_total_time="$seconds")
  echo "== fuzzing ${#targets[@]} target(s), ${seconds} s each"
fi

# Leaks count as failures; an invariant check aborts, which libFuzzer reports
# as a crash and saves the input for.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# Seeds read from corpus/ where they are, rather than kept as copies in
# tests/fuzz/corpus/: every HTML and PDF document of the corpus.
corpus_seeds() {
  case "$1" in
    fuzz_html_loader) find corpus/documents -type f -name '*.html' | sort ;;
    fuzz_pdf_loader) find corpus/documents -type f -name '*.pdf' | sort ;;
  esac
}

stat_of() { sed -n "s/^stat::$1: *\([0-9]*\).*/\1/p" "$2" | tail -n 1; }
summary=()
failed=()
for t in "${targets[@]}"; do
  bin="$build_dir/tests/fuzz/$t"
  [ -x "$bin" ] || { echo "fuzz.sh: $bin is not built (drop --no-build)" >&2; exit 2; }
  run="$build_dir/fuzz-runs/$t"
  rm -rf "$run"
  mkdir -p "$run/corpus" "$run/artifacts"
  cp -r "tests/fuzz/corpus/$t/." "$run/corpus/"
  while IFS= read -r seed; do
    relative="${seed#corpus/documents/}"
    cp "$seed" "$run/corpus/corpus-${relative//\//-}"
  done < <(corpus_seeds "$t")
  dict=()
  [ -f "tests/fuzz/dict/$t.dict" ] && dict=(-dict="tests/fuzz/dict/$t.dict")
  started=$SECONDS
  status=0
  "$bin" "$run/corpus" "${dict[@]}" "${limits[@]}" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$run/artifacts/" >"$run/log" 2>&1 || status=$?
  took=$((SECONDS - started))
  execs="$(stat_of number_of_executed_units "$run/log")"
  rate="$(stat_of average_exec_per_sec "$run/log")"
  cov="$(grep -o 'cov: [0-9]*' "$run/log" | tail -n 1 | cut -d' ' -f2)"
  files="$(find "$run/corpus" -type f | wc -l)"
  kib="$(find "$run/corpus" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s / 1024 }')"
  line="$(printf '%-22s %10s execs %7s exec/s  cov %5s  corpus %4s files %5s KiB  %4ss' "$t" "${execs:-?}" \
    "${rate:-?}" "${cov:-?}" "$files" "$kib" "$took")"
  if [ "$status" != 0 ]; then
    line="$line  FAILED (exit $status)"
    failed+=("$t")
    echo "-- $t failed; the end of $run/log:"
    tail -n 40 "$run/log"
    ls "$run/artifacts" 2>/dev/null | sed "s|^|   input saved: $run/artifacts/|"
  fi
  echo "$line"
  summary+=("$line")
done

echo "== fuzz summary"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
