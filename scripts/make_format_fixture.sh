#!/usr/bin/env bash
# Makes the saved index of the current storage format version,
# tests/fixtures/format/v<N>/, from the tiny documents and known searches in
# tests/fixtures/format/source/ (docs.jsonl, queries.tsv), with the portalkb
# CLI of a build. Run it once after bumping schema::kFormatVersion (and
# commit the new folder); never remake an older version's fixture: it stands
# for the indexes customers have on disk (tests/reliability/format_fixture_test.cc).
#
# Usage: scripts/make_format_fixture.sh [--force] [CLI]   (CLI default: build/cli/portalkb)
set -euo pipefail
cd "$(dirname "$0")/.."
force=0
if [ "${1:-}" = "--force" ]; then force=1; shift; fi
cli="${1:-build/cli/portalkb}"
[ -x "$cli" ] || { echo "make_format_fixture: no CLI at '$cli' (build first, or pass its path)" >&2; exit 2; }
version="$(sed -n 's/^inline constexpr int kFormatVersion = \([0-9][0-9]*\);.*/\1/p' libportalkb/storage/schema.h)"
[ -n "$version" ] || { echo "make_format_fixture: kFormatVersion not found in libportalkb/storage/schema.h" >&2; exit 2; }
source_dir=tests/fixtures/format/source
out="tests/fixtures/format/v$version"
if [ -e "$out" ] && [ "$force" != 1 ]; then
  echo "make_format_fixture: $out exists; a released version's fixture is not remade (--force to replace it)" >&2
  exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$cli" index --db "$work/index" --threads 1 "$source_dir/docs.jsonl" >/dev/null
# Only Xapian's tables go in (compacted, so the fixture stays small); the
# derived files and the analytics log are rebuilt or made by whoever opens it.
xapian-compact --blocksize=2K "$work/index" "$work/compact" >/dev/null
rm -rf "$out"
mkdir -p "$out"
cp -r "$work/compact" "$out/index"
rm -f "$out/index/flintlock"
cp "$source_dir/docs.jsonl" "$source_dir/queries.tsv" "$out/"
echo "$version" >"$out/VERSION"
echo "made $out ($(du -sk "$out" | cut -f1) KB)"
