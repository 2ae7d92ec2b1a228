#!/usr/bin/env bash
# The main job: install what is missing, build, index the bundled corpus into
# an on-disk index (var/index), answer a few sample searches, then serve the
# search page and API in demo mode (open to anyone, demo principals) until
# Ctrl-C. PORTALKB_DEMO_LISTEN=HOST:PORT (default 127.0.0.1:8080) moves it;
# PORTALKB_DEMO_SERVE=0 stops after the samples.
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
if [ "${PORTALKB_DEMO_SERVE:-1}" != "0" ]; then
  listen="${PORTALKB_DEMO_LISTEN:-127.0.0.1:8080}"
  echo
  echo "Search page (demo mode, open to anyone; Ctrl-C stops): http://$listen/"
  echo "\$ portalkb serve --db $index --listen $listen --demo"
  "$portalkb" serve --db "$index" --listen "$listen" --demo --log-level warn || status=$?
fi
exit "$status"
