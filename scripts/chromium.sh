#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed, for the dashboard's browser tests and its bench
# (Playwright drives it; Playwright's own browser download does not reach this network).
# Idempotent; prints the browser's path. Called by `make browser` (and so by `make test`).
set -euo pipefail

if ! command -v chromium >/dev/null; then
  if ! command -v apt-get >/dev/null; then
    echo "chromium.sh: chromium not found and this machine has no apt-get; install Chromium" >&2
    echo "and put it on PATH as 'chromium'." >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
command -v chromium
