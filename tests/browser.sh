#!/bin/sh
# tests/browser.sh — the web application of `dangan serve` in real headless
# Chromium (tests/browser/*.py, python3-selenium); screenshots in build/screens/.
set -u
. "$(dirname "$0")/lib.sh"
make_pki "$tmp/pki" || { echo "browser: 0 passed, 1 failed"; exit 1; }
for t in tests/browser/*.py; do
  mkdir -p "$tmp/$(basename "$t" .py)"
  # Debian's python3 (python3-selenium is installed for it), not one on PATH.
  py=/usr/bin/python3; [ -x "$py" ] || py=python3
  "$py" "$t" "$bin" "$tmp/$(basename "$t" .py)" "$tmp/pki"
done
