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
# Each sample searches as the principal a portal would send: invoice
# articles are for a customer's finance role, the rest is public.
samples=(
  "factuur downloaden|--org acme --role finance"
  "wachtwoord vergeten|"
  "parkeervergunning aanvragen|"
  "factur downlaoden|--org acme --role finance"
  "wachtwoord verg|"
  "return an item|--org globex --role customer"
  "glömt lösenord|"
  "rekening betalen|--org acme --role finance"
  "Ik ben mijn wachtwoord vergeten, hoe stel ik een nieuw in?|"
)
for sample in "${samples[@]}"; do
  query="${sample%%|*}"
  principal="${sample#*|}"
  echo
  echo "\$ portalkb search --db $index ${principal:+$principal }--limit 3 \"$query\"   # as ${principal:-an anonymous visitor}"
  # shellcheck disable=SC2086  # the principal is several options
  "$portalkb" search --db "$index" $principal --limit 3 "$query"
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
