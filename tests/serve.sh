#!/bin/sh
# tests/serve.sh — `dangan serve` (spec §8) through its HTTP API, against a
# real server on a free loopback port: tests/tools/serve_api.py.
set -u
. "$(dirname "$0")/lib.sh"
make_pki "$tmp/pki" || { echo "serve: 0 passed, 1 failed"; exit 1; }
python3 tests/tools/serve_api.py "$bin" "$tmp" "$tmp/pki"
