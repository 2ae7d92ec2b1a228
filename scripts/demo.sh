#!/usr/bin/env bash
# The main job: install what is missing, build, index the bundled corpus into
# an on-disk index (var/index) and answer a few sample searches.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh -DCMAKE_BUILD_TYPE=Release -DPORTALKB_BUILD_TESTS=OFF -DPORTALKB_BUILD_BENCHMARKS=OFF
portalkb=build/cli/portalkb
index=var/index

rm -rf "$index.new"
# A fresh index each run; it replaces the old one only once indexing succeeded.
status=0
"$portalkb" index --db "$index.new" corpus/articles corpus/documents || status=$?
if [ "$status" -gt 1 ]; then exit "$status"; fi
rm -rf "$index" && mv "$index.new" "$index"
echo
"$portalkb" stats --db "$index"
for query in "factuur downloaden" "wachtwoord vergeten" "parkeervergunning aanvragen" \
             "return an item" "change delivery address" "glömt lösenord" "sla beschikbaarheid"; do
  echo
  echo "\$ portalkb search --db $index --limit 3 \"$query\""
  "$portalkb" search --db "$index" --limit 3 "$query"
done
exit "$status"
