#!/bin/sh
# The 四性检测 of DA/T 70-2018 on intake (issue 16): every dossier of a
# bundle checked for 真实性, 完整性, 可用性 and 安全性 before filing; any
# 不通过 refuses the whole bundle naming file, item and reason, the archive
# untouched; a filing keeps a signed 检测报告 (XML, CMS, PDF) in
# ARCHIVE/reports/ and the index says which filing each dossier came in.
# Ends "archive_check: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1474848000
make_pki "$tmp/pki" && make_pki "$tmp/other" && ok || bad "could not make test certificates"
sample_as "$tmp/b" LX2016-0009 王堃
$bin bundle samples/li-chunyan "$tmp/b" --school "$tmp/pki/SCHOOL.xml" -o "$tmp/B1" >/dev/null 2>&1 && ok || bad "bundle B1"
$bin bundle samples/li-chunyan --school "$tmp/pki/SCHOOL.xml" -o "$tmp/B0" >/dev/null 2>&1 && ok || bad "bundle B0"

# A passing filing and its report.
A="$tmp/arch"; new_archive "$A"
$bin archive "$tmp/B1" --into "$A" >"$tmp/log" 2>&1 && ok || bad "filing B1: $(cat "$tmp/log")"
msha=$(sha256sum < "$tmp/B1/manifest.xml" | cut -d' ' -f1)
F="20160926T000000Z-$(printf %.12s "$msha")"
[ "$(ls "$A/reports" 2>/dev/null | tr '\n' ' ')" = "$F.pdf $F.xml $F.xml.p7s " ] && ok || bad "reports/: $(ls "$A/reports" 2>&1)"
R="$A/reports/$F"
xmllint --noout --schema templates/schemas/report.xsd "$R.xml" >/dev/null 2>&1 && ok || bad "report.xsd: $(xmllint --noout --schema templates/schemas/report.xsd "$R.xml" 2>&1 | head -3)"
openssl cms -verify -binary -inform DER -in "$R.xml.p7s" -content "$R.xml" -CAfile "$tmp/pki/ca.pem" -out /dev/null >/dev/null 2>&1 \
  && ok || bad "openssl cms -verify of the report"
python3 - "$R.xml" "$msha" "$F" <<'EOF' && ok || bad "report content"
import sys, xml.etree.ElementTree as ET
ns = {"d": "urn:dangan:1"}
r = ET.parse(sys.argv[1]).getroot()
assert r.get("manifest") == sys.argv[2] and r.get("filing") == sys.argv[3], r.attrib
assert r.get("time") == "2016-09-26T00:00:00Z" and r.get("result") == "通过", r.attrib
ds = r.findall("d:dossier", ns)
assert sorted(d.get("file") for d in ds) == ["dossiers/LX2016-0007.pdf", "dossiers/LX2016-0009.pdf"], ds
assert sorted(d.get("number") for d in ds) == ["黟教-2016-0001", "黟教-2016-0002"]
for d in ds:
    cs = d.findall("d:check", ns)
    assert {c.get("category") for c in cs} == {"真实性", "完整性", "可用性", "安全性"}, d.get("file")
    assert all(c.get("result") == "通过" for c in cs), [c.attrib for c in cs if c.get("result") != "通过"]
    items = {c.get("item") for c in cs}
    for want in ("GD-1-1", "GD-1-9", "GD-1-13", "GD-2-4", "GD-2-6", "GD-2-7", "GD-3-3", "GD-3-4", "GD-4-2"):
        assert want in items, (want, items)
    assert len(cs) == 13, len(cs)
b = r.find("d:bundle", ns)
assert {c.get("item") for c in b.findall("d:check", ns)} >= {"GD-1-1", "GD-2-1", "GD-4-3"}
EOF
$bin verify "$R.pdf" --trust "$A/trust" >"$tmp/v" 2>&1 && grep -q "XX县教育体育局档案室" "$tmp/v" && ok || bad "the report PDF is signed by the archive: $(cat "$tmp/v")"
pdftotext -layout -enc UTF-8 "$R.pdf" - | sed 's/ //g' > "$tmp/r.txt"
grep -q "电子档案四性检测报告" "$tmp/r.txt" && grep -q "黟教-2016-0002" "$tmp/r.txt" && grep -q "李春燕" "$tmp/r.txt" && grep -q "$F" "$tmp/r.txt" \
  && grep -q "GD-4-2" "$tmp/r.txt" && ok || bad "report PDF text: $(head -20 "$tmp/r.txt")"
pdfa "$R.pdf"
[ "$(sqlite3 "$A/index.sqlite" "SELECT filing || ' ' || manifest || ' ' || passed || ' ' || time FROM filing")" = "$F $msha 1 2016-09-26T00:00:00Z" ] \
  && ok || bad "filing row: $(sqlite3 "$A/index.sqlite" "SELECT * FROM filing")"
[ "$(sqlite3 "$A/index.sqlite" "SELECT count(*) FROM dossier WHERE filing = '$F'")" = 2 ] && ok || bad "dossier.filing"
$bin find --archive "$A" --teacher 王堃 --json | jq -e --arg f "$F" '.filing == $f and .report == "reports/\($f).pdf"' >/dev/null \
  && ok || bad "find --json report: $($bin find --archive "$A" --teacher 王堃 --json)"
$bin find --archive "$A" --teacher 王堃 | grep -q "检测报告 reports/$F.pdf" && ok || bad "find text report: $($bin find --archive "$A" --teacher 王堃)"
$bin find --archive "$A" --teacher 王堃 --lang en | grep -q "report reports/$F.pdf" && ok || bad "find text report --lang en"

# Refusals: named by file, check item and reason; the archive unchanged.
refused() {  # refused WHAT BUNDLE PATTERN [LANG]: exit 1, PATTERN in the output, archive as it was
  R1="$tmp/r-$1"; rm -rf "$R1"; new_archive "$R1"
  $bin archive "$tmp/B0" --into "$R1" >/dev/null 2>&1 || bad "$1: first filing"
  before=$(tree_hash "$R1")
  $bin archive "$2" --into "$R1" ${4:+--lang $4} >"$tmp/log" 2>&1; rc=$?
  [ $rc -eq 1 ] && ok || bad "$1: exit $rc, expected 1: $(cat "$tmp/log")"
  grep -q -- "$3" "$tmp/log" && ok || bad "$1: output lacks [$3]: $(cat "$tmp/log")"
  [ "$(tree_hash "$R1")" = "$before" ] && ok || bad "$1: the archive changed"
}
forged() {  # forged KIND: B1 with dossier LX2016-0009 given KIND, signed again by the school
  rm -rf "$tmp/F$1"; cp -R "$tmp/B1" "$tmp/F$1"
  python3 tests/tools/intake_forge.py "$1" "$tmp/F$1" LX2016-0009 "$tmp/pki/school-cert.pem" "$tmp/pki/school-key.pem" \
    && $bin verify "$tmp/F$1" --ca "$tmp/pki/ca.pem" >/dev/null 2>&1 && ok || bad "forged $1 bundle should verify"
}
forged js;       refused js "$tmp/Fjs" "dossiers/LX2016-0009.pdf：安全性 GD-4-2 无 JavaScript：.*JavaScript"
refused js-en "$tmp/Fjs" "dossiers/LX2016-0009.pdf: security GD-4-2 no JavaScript: " en
python3 tests/tools/cjk_outside.py "$tmp/log" "$tmp/Fjs" >/dev/null && ok || bad "refusal --lang en holds Chinese: $(python3 tests/tools/cjk_outside.py "$tmp/log" "$tmp/Fjs")"
forged embedded; refused embedded "$tmp/Fembedded" "dossiers/LX2016-0009.pdf：安全性 GD-4-2 无嵌入文件：.*EmbeddedFiles"
forged uri;      refused uri "$tmp/Furi" "dossiers/LX2016-0009.pdf：安全性 GD-4-2 无外部链接或启动动作：.*URI"
forged notitle;  refused notitle "$tmp/Fnotitle" "dossiers/LX2016-0009.pdf：完整性 GD-2-4 必备元数据齐全：缺少题名"
! grep -q "dossiers/LX2016-0007.pdf" "$tmp/log" && ok || bad "only the failing dossier is named: $(cat "$tmp/log")"
rm -rf "$tmp/Fx"; cp -R "$tmp/B1" "$tmp/Fx"; echo x > "$tmp/Fx/extra.txt"
refused extra "$tmp/Fx" "extra.txt：安全性 GD-4-3 包内无清单之外的文件"
R1="$tmp/r-untrusted"; rm -rf "$R1"; new_archive "$R1" "$tmp/other/ca.pem"; $bin archive --recover "$R1" >/dev/null 2>&1
$bin archive "$tmp/B1" --into "$R1" >"$tmp/log" 2>&1; [ $? -eq 1 ] && grep -q "manifest.p7s：真实性 GD-1-1" "$tmp/log" && ok || bad "untrusted manifest names GD-1-1: $(cat "$tmp/log")"
rm -rf "$tmp/Ft"; cp -R "$tmp/B1" "$tmp/Ft"
python3 -c "import sys; p=sys.argv[1]; d=bytearray(open(p,'rb').read()); d[4000]^=1; open(p,'wb').write(d)" "$tmp/Ft/dossiers/LX2016-0009.pdf"
refused tampered "$tmp/Ft" "dossiers/LX2016-0009.pdf：真实性 GD-1-13 数字摘要与清单一致"

# The items' numbers and names are data (templates/checks.xml): a number
# corrected there is what refusals and reports say; a table that lacks a
# check the program makes stops filing.
H="$tmp/home"; mkdir -p "$H"; cp -R templates "$H/"; ln -s "$(pwd)/fonts" "$H/fonts"
sed -i 's|code="javascript" category="安全性" item="GD-4-2"|code="javascript" category="安全性" item="GD-4-9"|' "$H/templates/checks.xml"
export DANGAN_HOME="$H"; refused renumbered "$tmp/Fjs" "dossiers/LX2016-0009.pdf：安全性 GD-4-9 无 JavaScript："; unset DANGAN_HOME
sed -i '/code="xfa"/d' "$H/templates/checks.xml"
R1="$tmp/r-nocheck"; new_archive "$R1"; $bin archive --recover "$R1" >/dev/null 2>&1; before=$(tree_hash "$R1")
DANGAN_HOME="$H" $bin archive "$tmp/B1" --into "$R1" >"$tmp/log" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "缺少检测项 xfa" "$tmp/log" && [ "$(tree_hash "$R1")" = "$before" ] && ok || bad "checks.xml without xfa: exit $rc: $(cat "$tmp/log")"

# A gap in the year's archive numbers (a row gone from the index) is found.
G="$tmp/gap"; new_archive "$G"
$bin archive "$tmp/B1" --into "$G" >/dev/null 2>&1 && sqlite3 "$G/index.sqlite" "DELETE FROM dossier WHERE seq = 1" && ok || bad "gap set-up"
sample_as "$tmp/c" LX2016-0010 張曉明
$bin bundle "$tmp/c" --school "$tmp/pki/SCHOOL.xml" -o "$tmp/B2" >/dev/null 2>&1 && ok || bad "bundle B2"
before=$(tree_hash "$G")
$bin archive "$tmp/B2" --into "$G" >"$tmp/log" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -q "完整性 GD-2-6 档号连续无缺号：2016 年缺 黟教-2016-0001" "$tmp/log" && [ "$(tree_hash "$G")" = "$before" ] \
  && ok || bad "number gap: exit $rc: $(cat "$tmp/log")"

# Without poppler's pdftoppm the 可用性 check cannot run: filing fails
# loudly, it does not pass the item.
N="$tmp/nopop"; new_archive "$N"; $bin archive --recover "$N" >/dev/null 2>&1; before=$(tree_hash "$N")
PATH=/nonexistent $bin archive "$tmp/B1" --into "$N" >"$tmp/log" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "pdftoppm" "$tmp/log" && grep -q "poppler-utils" "$tmp/log" && [ "$(tree_hash "$N")" = "$before" ] \
  && ok || bad "no pdftoppm: exit $rc: $(cat "$tmp/log")"

# Many dossiers at once: poppler's children run in a bounded pool (at
# most 2 × online CPUs at a time) while the rest is checked. One dossier
# in the middle that poppler cannot render (a pdftoppm on PATH that fails
# for it and is slow for the others) refuses the bundle naming only it,
# the archive unchanged, no child left running afterwards.
i=0
while [ $i -lt 12 ]; do i=$((i + 1)); sample_as "$tmp/m$i" "$(printf 'LX2016-%04d' $((100 + i)))"; done
$bin bundle "$tmp"/m*/ --school "$tmp/pki/SCHOOL.xml" -o "$tmp/B12" >/dev/null 2>&1 && ok || bad "bundle B12"
W="$tmp/wrap"; mkdir -p "$W/run"
for tool in pdftoppm pdftotext; do
  cat > "$W/$tool" <<EOF
#!/bin/sh
: > "$W/run/\$\$"; ls "$W/run" | wc -l >> "$W/counts"
case "\$*" in *"\$(cat "$W/fail" 2>/dev/null).pdf"*) rm -f "$W/run/\$\$"; [ "$tool" = pdftoppm ] && exit 3;; esac
sleep 0.3; "$(command -v $tool)" "\$@" & echo "\$\$ \$!" >> "$W/pids"; wait \$!; rc=\$?
rm -f "$W/run/\$\$"; exit \$rc
EOF
  chmod +x "$W/$tool"
done
echo LX2016-0106 > "$W/fail"
opath=$PATH; PATH="$W:$PATH"
refused render12 "$tmp/B12" "dossiers/LX2016-0106.pdf：可用性 GD-3-4 可由阅读器打开（渲染第 1 页）：pdftoppm 无法渲染第 1 页（退出码 3）"
PATH=$opath
[ "$(grep -c "dossiers/" "$tmp/log")" = 1 ] && ok || bad "only LX2016-0106 is named: $(cat "$tmp/log")"
alive() {  # alive PID...: those still running (a zombie left to init to reap is dead)
  for p in "$@"; do case "$(ps -o stat= -p "$p" 2>/dev/null)" in ""|Z*) ;; *) printf ' %s' "$p";; esac; done
}
left=$(alive $(cat "$W/pids"))
[ -z "$left" ] && [ -z "$(ls "$W/run")" ] && ok || bad "children left running:$left $(ls "$W/run")"
max=$(sort -n "$W/counts" | tail -n 1); cpus=$(getconf _NPROCESSORS_ONLN)
[ "$max" -le $((2 * cpus)) ] && [ "$max" -ge $((cpus < 2 ? 2 : 3)) ] && ok || bad "children at once: $max, CPUs $cpus"
[ "$(wc -l < "$W/pids")" -ge 22 ] && ok || bad "poppler ran $(wc -l < "$W/pids") times for 13 dossiers"

# An archive killed mid-intake takes poppler's children with it (they
# die with their parent, PR_SET_PDEATHSIG): with a renderer that stalls
# on every dossier, none is left running after the kill.
for tool in pdftoppm pdftotext; do
  printf '#!/bin/sh\necho $$ >> "%s/stalled"; exec sleep 30\n' "$W" > "$W/$tool"
done
: > "$W/stalled"
K="$tmp/killed"; new_archive "$K"
PATH="$W:$PATH" $bin archive "$tmp/B12" --into "$K" >/dev/null 2>&1 & apid=$!
i=0; while [ $i -lt 100 ] && [ "$(wc -l < "$W/stalled")" -lt 2 ]; do sleep 0.1; i=$((i + 1)); done
kill -9 $apid; wait $apid 2>/dev/null
sleep 0.5
left=$(alive $(cat "$W/stalled"))
[ "$(wc -l < "$W/stalled")" -ge 2 ] && [ -z "$left" ] && ok || bad "children outlive a killed intake:$left ($(wc -l < "$W/stalled") started)"
for p in $left; do kill "$p"; done

# An index without the filing table and column is migrated in place.
M="$tmp/mig"; new_archive "$M"
$bin archive "$tmp/B0" --into "$M" >/dev/null 2>&1 && sqlite3 "$M/index.sqlite" "DROP TABLE filing; ALTER TABLE dossier DROP COLUMN filing;" && ok || bad "migration set-up"
$bin archive "$tmp/B2" --into "$M" >"$tmp/log" 2>&1 && ok || bad "filing into an old index: $(cat "$tmp/log")"
[ "$(sqlite3 "$M/index.sqlite" "SELECT count(*) FROM filing; SELECT count(*) FROM dossier WHERE filing IS NULL;" | tr '\n' ' ')" = "1 1 " ] \
  && ok || bad "migrated: $(sqlite3 "$M/index.sqlite" "SELECT * FROM filing; SELECT number, filing FROM dossier;")"
[ "$($bin find --archive "$M" --json | jq -r .report | sed 's|^reports/.*|R|' | sort | tr '\n' ' ')" = "R null " ] \
  && ok || bad "find on a migrated index: $($bin find --archive "$M" --json)"

echo "archive_check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
