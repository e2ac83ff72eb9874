#!/bin/sh
# Runs the whole suite from the repository root: unit tests, CLI tests,
# finding-code cases. Ends with one line "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
pass=0
fail=0

tally() {  # reads a runner's output, echoes it, adds its closing counts
  out=$1
  printf '%s\n' "$out"
  line=$(printf '%s\n' "$out" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -n 1)
  if [ -z "$line" ]; then fail=$((fail + 1)); echo "(no result line: counted as a failure)"; return 1; fi
  p=$(printf '%s' "$line" | sed -E 's/^(.*[^0-9])?([0-9]+) passed.*/\2/')
  f=$(printf '%s' "$line" | sed -E 's/.*passed, ([0-9]+) failed.*/\1/')
  pass=$((pass + p)); fail=$((fail + f))
  [ "$f" -eq 0 ]
}

for t in ${DANGAN_UNIT_DIR:-build/tests}/test_*; do
  [ -x "$t" ] || continue
  out=$("$t" 2>&1); rc=$?
  # A non-zero exit that still reports "0 failed" is a failure too.
  if tally "$out" && [ $rc -ne 0 ]; then fail=$((fail + 1)); echo "($t exited $rc)"; fi
done
tally "$(sh tests/cli.sh 2>&1)"
tally "$(sh tests/cases.sh 2>&1)"
tally "$(sh tests/profiles.sh 2>&1)"
tally "$(sh tests/lang.sh 2>&1)"
tally "$(sh tests/build.sh 2>&1)"
tally "$(sh tests/layout.sh 2>&1)"
tally "$(sh tests/bundle.sh 2>&1)"
tally "$(sh tests/archive.sh 2>&1)"
tally "$(sh tests/archive_check.sh 2>&1)"
tally "$(sh tests/audit.sh 2>&1)"
tally "$(sh tests/export.sh 2>&1)"
tally "$(sh tests/attacks.sh 2>&1)"
tally "$(sh tests/batch.sh 2>&1)"
tally "$(sh tests/images.sh 2>&1)"
tally "$(sh tests/hostile.sh 2>&1)"
tally "$(sh tests/serve.sh 2>&1)"
tally "$(sh tests/browser.sh 2>&1)"
tally "$(sh tests/tree.sh 2>&1)"

echo
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
