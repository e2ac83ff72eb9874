# tests/lib.sh — what every shell test shares: run from the repository
# root, count passes and failures, a scratch folder removed on exit.
# Sourced after `set -u`; the caller prints "NAME: $pass passed, $fail failed".
cd "$(dirname "$0")/.."
bin=build/dangan
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
