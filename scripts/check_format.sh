#!/usr/bin/env bash
# Fails (exit 1) when a tracked C++ file differs from what clang-format makes
# of it (.clang-format). With --fix, formats them in place instead.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cc' '*.h' '*.cpp' '*.hpp')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/portalkb-format.$$; then
  grep -E '^[^ ].*: (error|warning):' /tmp/portalkb-format.$$ | cut -d: -f1 | sort -u | sed 's/^/unformatted: /' >&2
  rm -f /tmp/portalkb-format.$$
  echo "run scripts/check_format.sh --fix" >&2
  exit 1
fi
rm -f /tmp/portalkb-format.$$
echo "format: ${#files[@]} files match .clang-format"
