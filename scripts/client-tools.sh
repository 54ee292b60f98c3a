#!/usr/bin/env bash
# Makes sure the event clients' toolchains are present: Node.js with npm (clients/typescript) and
# a JDK 17 with Maven (clients/java). Idempotent: tools already on PATH are reused; missing ones
# are installed from Debian packages. The Java client's Maven artifacts are then fetched and
# checked against their pinned sha256 (scripts/maven-fetch.sh; Maven itself runs offline); the
# TypeScript client's packages come later from the npm registry, checked by package-lock.json.
# Called by `make client-tools` and `make test`.
set -euo pipefail

missing=()
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
command -v javac >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)

if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "client-tools: ${missing[*]} not found and this machine has no apt-get." >&2
    echo "Install Node.js >= 20 with npm, a JDK >= 17 and Maven >= 3.8, then run this again." >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Debian 12 ships Node 18: the client targets 20+, so say so rather than fail later obscurely.
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "client-tools: Node $(node --version) found; @reach/events is built and tested on 20+." >&2
fi

bash "$(dirname "$0")/maven-fetch.sh"
