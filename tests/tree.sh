#!/bin/sh
set -u
# The source tree as src/README.md describes it: every file named by its
# stage and listed in the table, none over 800 lines (the brief's limit:
# split by responsibility before a file grows past what one reads at once).
. "$(dirname "$0")/lib.sh"

for f in src/*.c src/*.h; do
  b=$(basename "$f"); n=${b%.*}
  case $n in main|util|typeset|limits|layout|text|pdf|stamp|sign|verify|bundle|archive|image|serve) ;;
    load_*|check_*|layout_*|text_*|font_*|image_*|pdf_*|stamp_*|sign_*|verify_*|bundle_*|archive_*|serve_*|cmd_*|util_*) ;;
    *) bad "$f: no stage prefix (src/README.md lists the prefixes)"; continue ;;
  esac
  ok
  case $b in *_int.h) continue ;; esac
  # A header that only declares its .c's functions shares the .c's row.
  grep -q -e "\`$n\`" -e "\`$b\`" src/README.md && ok || bad "$f: not in src/README.md's table"
  l=$(wc -l < "$f")
  [ "$l" -le 800 ] && ok || bad "$f: $l lines (over 800)"
done
echo "tree: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
