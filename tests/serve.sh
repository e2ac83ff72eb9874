#!/bin/sh
# tests/serve.sh — `dangan serve` (spec §8) through its HTTP API, against a
# real server on a free loopback port: tests/tools/serve_api.py; and the
# same requests from many threads at once, each answer compared with a
# serial run's: tests/tools/serve_concurrency.py.
set -u
. "$(dirname "$0")/lib.sh"
make_pki "$tmp/pki" || { echo "serve: 0 passed, 1 failed"; exit 1; }
counted python3 tests/tools/serve_api.py "$bin" "$tmp" "$tmp/pki"
counted python3 tests/tools/serve_concurrency.py "$bin" "$tmp"
echo "serve: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
