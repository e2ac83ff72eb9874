#!/bin/sh
# `dangan archive --export YEAR --from ARCHIVE -o DIR` tests (issue 16):
# the year's current dossiers handed to the 档案馆 with their signed
# manifests, a 归档文件目录 (CSV and PDF) and MANIFEST.sha256, checkable
# with sha256sum and openssl alone. Ends "export: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1474848000
make_pki "$tmp/pki" && ok || bad "could not make test certificates"

# Three dossiers in two bundles, then version 2 of 黟教-2016-0001 (lib.sh).
A="$tmp/arch"
filed_archive "$A"
dir="2016/XX县红星乡中心小学"

before=$(tree_hash "$A")
E="$tmp/out/2016"
$bin archive --export 2016 --from "$A" -o "$E" >"$tmp/log" 2>&1; rc=$?
[ $rc -eq 0 ] && [ -d "$E" ] && ok || bad "export: exit $rc: $(cat "$tmp/log")"
[ "$(tree_hash "$A")" = "$before" ] && ok || bad "export changed the archive"
[ -z "$(ls -A "$tmp/out" | grep -v '^2016$')" ] && ok || bad "export left a temporary folder: $(ls -A "$tmp/out")"

# The current versions only: 0001 as its version 2, 0002, 0003.
pdfs=$(cd "$E" && find . -name '*.pdf' ! -name '归档文件目录.pdf' ! -path './reports/*' | sed 's|^\./||' | LC_ALL=C sort | tr '\n' ' ')
[ "$pdfs" = "$dir/黟教-2016-0001.v2.pdf $dir/黟教-2016-0002.pdf $dir/黟教-2016-0003.pdf " ] && ok || bad "exported dossiers: $pdfs"

# The 检测报告 of each exported dossier's filing, whole and signed by the
# archive (the receiving 档案馆 re-checks it with openssl alone).
filings=$(sqlite3 "$A/index.sqlite" "SELECT DISTINCT filing FROM dossier WHERE year = 2016 AND current = 1 AND filing IS NOT NULL")
[ "$(printf '%s\n' "$filings" | grep -c .)" -ge 2 ] && ok || bad "the current dossiers' filings: $filings"
for f in $filings; do
  for x in xml xml.p7s pdf; do [ -s "$E/reports/$f.$x" ] && ok || bad "export lacks reports/$f.$x"; done
  openssl cms -verify -binary -inform DER -in "$E/reports/$f.xml.p7s" -content "$E/reports/$f.xml" \
    -CAfile "$E/trust/county-ca.pem" -purpose any -out /dev/null 2>/dev/null && ok || bad "reports/$f.xml.p7s does not verify"
done
cmp -s "$A/$dir/黟教-2016-0001.v2.pdf" "$E/$dir/黟教-2016-0001.v2.pdf" && ok || bad "a dossier is copied byte for byte"
[ ! -e "$E/$dir/黟教-2016-0001.pdf" ] && ok || bad "the superseded version is not exported"

# What the receiving archive runs (README): sha256sum, then openssl.
(cd "$E" && sha256sum --quiet -c MANIFEST.sha256) >"$tmp/sum" 2>&1 && ok || bad "sha256sum -c MANIFEST.sha256: $(cat "$tmp/sum")"
n_files=$(cd "$E" && find . -type f ! -name MANIFEST.sha256 | wc -l)
[ "$(wc -l < "$E/MANIFEST.sha256")" -eq "$n_files" ] && ok || bad "MANIFEST.sha256 lists every file ($n_files): $(cat "$E/MANIFEST.sha256")"
[ "$(ls "$E/bundles" | wc -l)" -eq 6 ] && ok || bad "the three bundles' manifests and signatures: $(ls "$E/bundles")"
for p7s in "$E"/bundles/*.p7s; do
  openssl cms -verify -binary -inform DER -in "$p7s" -content "${p7s%.p7s}.xml" -CAfile "$E/trust/county-ca.pem" \
    -out /dev/null >/dev/null 2>&1 && ok || bad "openssl cms -verify $p7s"
done
cmp -s "$E/trust/county-ca.pem" "$A/trust/county-ca.pem" && ok || bad "the trust anchors go along"
# Each dossier's signed revision (the first SIZE bytes) is its manifest's entry.
tail -n +2 "$E/dossiers.tsv" > "$tmp/rows"
[ "$(wc -l < "$tmp/rows")" -eq 6 ] && ok || bad "dossiers.tsv rows (3 dossiers, 3 records): $(cat "$E/dossiers.tsv")"
# Each dossier's record (its bundle's dossiers/ID.xml) goes along beside it, mapped to its entry.
for n in 0001.v2 0002 0003; do
  cmp -s "$A/$dir/黟教-2016-$n.xml" "$E/$dir/黟教-2016-$n.xml" && grep -q "^$dir/黟教-2016-$n.xml	dossiers/LX2016-[0-9]*.xml	bundles/" "$E/dossiers.tsv" \
    && ok || bad "the record of 黟教-2016-$n is exported: $(ls "$E/$dir"); $(cat "$E/dossiers.tsv")"
done
while IFS="$(printf '\t')" read -r path entry manifest; do
  line=$(grep "path=\"$entry\"" "$E/$manifest")
  size=$(printf '%s' "$line" | sed 's/.*size="\([0-9]*\)".*/\1/'); sha=$(printf '%s' "$line" | sed 's/.*sha256="\([0-9a-f]*\)".*/\1/')
  [ -n "$size" ] && [ "$(head -c "$size" "$E/$path" | sha256sum | cut -d' ' -f1)" = "$sha" ] && ok || bad "$path is not its manifest's $entry"
done < "$tmp/rows"

# The 归档文件目录: DA/T 22-2015's columns, UTF-8 with BOM, one row per dossier.
python3 - "$E/归档文件目录.csv" >"$tmp/csv" 2>&1 <<'EOF' && ok || bad "归档文件目录.csv: $(cat "$tmp/csv")"
import csv, sys
raw = open(sys.argv[1], 'rb').read()
assert raw.startswith(b'\xef\xbb\xbf'), 'no BOM'
rows = list(csv.reader(open(sys.argv[1], encoding='utf-8-sig', newline='')))
assert rows[0] == ['档号', '责任者', '题名', '日期', '页数', '保管期限', '备注'], rows[0]
body = rows[1:]
assert [r[0] for r in body] == ['黟教-2016-0001', '黟教-2016-0002', '黟教-2016-0003'], body
assert body[0][2] == '李春燕跟岗研修档案' and body[1][2] == '王堃跟岗研修档案', body
assert all(r[1] == 'XX县实验学校' and r[5] == '永久' and r[3] == '20160926' for r in body), body
assert all(r[4].isdigit() and int(r[4]) > 10 for r in body), body
assert '第2版' in body[0][6] and '更正日志' in body[0][6], body[0]
EOF
pdfinfo "$E/归档文件目录.pdf" 2>/dev/null | grep -q '^Author: *[^ ]' && pdfinfo "$E/归档文件目录.pdf" | grep -q '^Keywords: *黟教-2016' \
  && ok || bad "归档文件目录.pdf: empty Author or Keywords: $(pdfinfo "$E/归档文件目录.pdf" | grep -E '^(Author|Keywords)')"
pdftotext -layout -enc UTF-8 "$E/归档文件目录.pdf" "$tmp/cat.txt" 2>/dev/null
grep -q "归档文件目录" "$tmp/cat.txt" && grep -q "黟教-2016-0003" "$tmp/cat.txt" && grep -q "保管期限" "$tmp/cat.txt" \
  && ok || bad "归档文件目录.pdf text: $(head -5 "$tmp/cat.txt")"
qpdf --check "$E/归档文件目录.pdf" >/dev/null 2>&1 && ok || bad "归档文件目录.pdf: qpdf --check"
pdfa "$E/归档文件目录.pdf"

# Refusals: DIR exists (left as it was); a year with nothing; usage.
$bin archive --export 2016 --from "$A" -o "$E" >/dev/null 2>&1; [ $? -eq 2 ] && (cd "$E" && sha256sum --quiet -c MANIFEST.sha256) >/dev/null 2>&1 \
  && ok || bad "export into an existing folder: exit 2, the folder untouched"
$bin archive --export 2015 --from "$A" -o "$tmp/out/2015" >"$tmp/log" 2>&1; rc=$?
[ $rc -eq 1 ] && [ ! -e "$tmp/out/2015" ] && ok || bad "a year with no dossiers: exit $rc (expected 1), $(cat "$tmp/log")"
$bin archive --export 20x6 --from "$A" -o "$tmp/out/x" >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "a bad year: exit 2"
$bin archive --export 2016 -o "$tmp/out/x" >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "--export without --from: exit 2"
$bin archive --export 2016 --from "$A" >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "--export without -o: exit 2"
# An exported dossier that no longer matches its index is not handed over.
D="$tmp/damaged"; cp -a "$A" "$D"
python3 -c "
import sys; p = sys.argv[1]; d = bytearray(open(p, 'rb').read()); d[1000] ^= 1; open(p, 'wb').write(d)" "$D/$dir/黟教-2016-0002.pdf"
$bin archive --export 2016 --from "$D" -o "$tmp/out/bad" >"$tmp/log" 2>&1; rc=$?
[ $rc -eq 1 ] && [ ! -e "$tmp/out/bad" ] && grep -qF "黟教-2016-0002" "$tmp/log" && ok || bad "a damaged dossier: exit $rc (expected 1): $(cat "$tmp/log")"
[ -z "$(ls -A "$tmp/out" | grep -v '^2016$')" ] && ok || bad "a refused export left files: $(ls -A "$tmp/out")"
# Nor one whose kept record no longer matches its manifest.
D2="$tmp/damaged-record"; cp -a "$A" "$D2"
printf ' ' >> "$D2/$dir/黟教-2016-0003.xml"
$bin archive --export 2016 --from "$D2" -o "$tmp/out/bad2" >"$tmp/log" 2>&1; rc=$?
[ $rc -eq 1 ] && [ ! -e "$tmp/out/bad2" ] && grep -qF "黟教-2016-0003.xml" "$tmp/log" && ok || bad "a damaged record: exit $rc (expected 1): $(cat "$tmp/log")"

echo "export: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
