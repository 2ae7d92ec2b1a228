#!/usr/bin/env bash
# The main job: install what is missing, build, index the bundled corpus into
# an on-disk index (var/index) and answer a few sample searches.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
PORTALKB_BUILD_DIR=build-release scripts/build.sh -DCMAKE_BUILD_TYPE=Release -DPORTALKB_BUILD_TESTS=OFF -DPORTALKB_BUILD_BENCHMARKS=OFF
portalkb=build-release/cli/portalkb
index=var/index

rm -rf "$index.new"
# A fresh index each run; it replaces the old one only once indexing succeeded.
status=0
"$portalkb" index --db "$index.new" corpus/articles corpus/documents || status=$?
if [ "$status" -gt 1 ]; then exit "$status"; fi
for rules in corpus/synonyms/*.txt; do
  "$portalkb" synonyms --db "$index.new" import "$rules"
done
rm -rf "$index" && mv "$index.new" "$index"
echo
"$portalkb" stats --db "$index"
for query in "factuur downloaden" "wachtwoord vergeten" "parkeervergunning aanvragen" \
             "factur downlaoden" "wachtwoord verg" "return an item" "glömt lösenord" "rekening betalen"; do
  echo
  echo "\$ portalkb search --db $index --limit 3 \"$query\""
  "$portalkb" search --db "$index" --limit 3 "$query"
done
echo
echo "\$ portalkb search --db $index --org acme --role finance --facet type --limit 3 \"sla beschikbaarheid\""
"$portalkb" search --db "$index" --org acme --role finance --facet type --limit 3 "sla beschikbaarheid"
echo
echo "\$ portalkb eval --db $index corpus/queries"
"$portalkb" eval --db "$index" corpus/queries
exit "$status"
