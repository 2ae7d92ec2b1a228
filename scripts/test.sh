#!/usr/bin/env bash
# Installs what is missing, checks the format, builds and runs every test:
# first the unit tests under AddressSanitizer + UndefinedBehaviorSanitizer
# (build-asan/), then the concurrency tests under ThreadSanitizer
# (build-tsan/), then each libFuzzer target for a few seconds (build-fuzz/,
# scripts/fuzz.sh), then the whole suite on the warnings-as-errors build (build/).
# Ends with ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs="$(nproc)"

echo "== format (.clang-format)"
scripts/check_format.sh

echo "== sanitizer build (ASan + UBSan)"
PORTALKB_BUILD_DIR=build-asan scripts/build.sh -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 \
  -DPORTALKB_SANITIZE=ON -DPORTALKB_WERROR=ON -DPORTALKB_BUILD_BENCHMARKS=OFF
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure --parallel "$jobs" --label-exclude slow

echo "== ThreadSanitizer build of the concurrency tests"
PORTALKB_BUILD_DIR=build-tsan PORTALKB_BUILD_TARGETS="concurrency_test" scripts/build.sh -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS=-O1 -DPORTALKB_TSAN=ON -DPORTALKB_WERROR=ON -DPORTALKB_BUILD_BENCHMARKS=OFF
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" build-tsan/tests/concurrency_test

scripts/fuzz.sh --seconds 8  # every libFuzzer target 8 s (build-fuzz/, clang-14); --long for the release figures

echo "== build (warnings are errors)"
scripts/build.sh -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPORTALKB_WERROR=ON
ctest --test-dir build --output-on-failure --parallel "$jobs"
