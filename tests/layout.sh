#!/bin/sh
# Page breaks and line fill on real dossiers (issue 14 item 8): the
# reference submission and the bench's generated 39- and 160-page ones.
# tests/tools/layout_check.py reads each PDF back: no heading or label
# (meta) line last on a page, no paragraph line extracted with a space
# between two Han characters. Needs build/bench (for the block list).
# Ends "layout: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
bench=${DANGAN_BENCH:-build/bench}
export SOURCE_DATE_EPOCH=1474848000
python3 bench/gen.py "$tmp/b39" 1 >/dev/null
python3 bench/gen.py "$tmp/b160" 4 >/dev/null
for sub in samples/li-chunyan "$tmp/b39" "$tmp/b160"; do
  name=$(basename "$sub")
  "$bench" "$sub" --blocks >"$tmp/$name.blocks" 2>"$tmp/err" && ok || bad "$name: bench --blocks: $(head -c 200 "$tmp/err")"
  "$bin" build "$sub" -o "$tmp/$name.pdf" >/dev/null 2>"$tmp/err" && ok || bad "$name: build: $(head -c 200 "$tmp/err")"
  if PYTHONPATH=tests/tools python3 tests/tools/layout_check.py "$tmp/$name.blocks" "$tmp/$name.pdf" >"$tmp/out"; then ok
  else bad "$name: $(grep -v '^layout:' "$tmp/out" | head -n 5) ($(tail -n 1 "$tmp/out"))"; fi
done
echo "layout: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
