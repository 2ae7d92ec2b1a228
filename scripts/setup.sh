#!/usr/bin/env bash
# Installs the Debian bookworm packages portalkb needs to build, test and benchmark.
# Idempotent: does nothing (not even `apt-get update`) when everything is present.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config ninja-build clang-format clang-tidy clang-14 libfuzzer-14-dev
  libxapian-dev xapian-tools libicu-dev libre2-dev libboost-program-options-dev
  nlohmann-json3-dev libyaml-cpp-dev libcmark-dev libgumbo-dev libpoppler-cpp-dev
  libsqlite3-dev sqlite3 libarchive-dev libsodium-dev libtcmalloc-minimal4 libcpp-httplib-dev libssl-dev zlib1g-dev libbrotli-dev openssl
  libgtest-dev libgmock-dev libbenchmark-dev
  chromium chromium-driver python3-selenium wrk curl
  pybind11-dev python3-dev python3-pytest mypy python3-numpy python3-pandas python3-matplotlib
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "portalkb setup: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
