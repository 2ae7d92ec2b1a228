#!/usr/bin/env bash
# Configures and builds portalkb into build/ (or $PORTALKB_BUILD_DIR).
# Extra arguments go to cmake's configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${PORTALKB_BUILD_DIR:-build}"
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
# ccache (when installed) makes rebuilds in several build trees cheap.
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
  set -- -DCMAKE_CXX_COMPILER_LAUNCHER=ccache "$@"
fi
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S . -B "$build_dir" "${generator[@]}" "$@" >/dev/null
else
  cmake -S . -B "$build_dir" "$@" >/dev/null
fi
# PORTALKB_BUILD_TARGETS (space-separated) builds only those targets.
targets=()
for t in ${PORTALKB_BUILD_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build "$build_dir" --parallel "$(nproc)" "${targets[@]}"
