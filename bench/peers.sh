#!/bin/sh
# The same dossier typeset by XeLaTeX+ctex, FOP and WeasyPrint (when
# installed: `make bench-peers`), timed in this run next to dangan, with
# ratios: dangan's own block list (build/bench SUB --blocks) written as
# TeX, XSL-FO and HTML by bench/export.py, same fonts, sizes and page.
# Medians of three runs. No figure here is a test.
#   peers.sh SUBMISSION DANGAN_BATCH_MS
set -u
sub=$1
batch_ms=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
build/bench "$sub" --blocks > "$out/blocks.jsonl" || exit 1
python3 bench/export.py "$out/blocks.jsonl" "$out"

median3() {  # median3 CMD... : prints the median wall time of three runs, seconds
  for i in 1 2 3; do
    s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
    echo "$e - $s" | bc -l
  done | sort -g | sed -n 2p
}
pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}'; }
kib() { echo "scale=1; $(stat -c %s "$1") / 1024" | bc; }

export SOURCE_DATE_EPOCH=1474848000
d=$(median3 build/dangan build "$sub" -o "$out/dangan.pdf")
printf '%-12s %6s pages  cold %7.0f ms  batch %6.1f ms  %7s KiB\n' dangan "$(pages "$out/dangan.pdf")" \
  "$(echo "$d * 1000" | bc -l)" "$batch_ms" "$(kib "$out/dangan.pdf")"
peer() {  # peer NAME PDF CMD...
  name=$1; pdf=$2; shift 2
  t=$(median3 "$@")
  if [ ! -s "$pdf" ]; then echo "$name: failed"; return; fi
  printf '%-12s %6s pages  %7.0f ms   ×%.1f cold, ×%.1f batch, size ×%.2f\n' "$name" "$(pages "$pdf")" \
    "$(echo "$t * 1000" | bc -l)" "$(echo "$t / $d" | bc -l)" "$(echo "$t * 1000 / $batch_ms" | bc -l)" \
    "$(echo "$(stat -c %s "$pdf") / $(stat -c %s "$out/dangan.pdf")" | bc -l)"
}
if command -v xelatex >/dev/null; then
  # Two passes, as the table of contents needs; both are timed.
  peer "XeLaTeX" "$out/doc.pdf" sh -c "cd '$out' && xelatex -interaction=batchmode doc.tex && xelatex -interaction=batchmode doc.tex"
else echo "XeLaTeX: not installed (make bench-peers)"; fi
if command -v fop >/dev/null; then
  peer "FOP" "$out/fop.pdf" fop -c "$out/fop.xconf" "$out/doc.fo" "$out/fop.pdf"
else echo "FOP: not installed (make bench-peers)"; fi
if command -v weasyprint >/dev/null; then
  peer "WeasyPrint" "$out/weasy.pdf" weasyprint "$out/doc.html" "$out/weasy.pdf"
else echo "WeasyPrint: not installed (make bench-peers)"; fi
