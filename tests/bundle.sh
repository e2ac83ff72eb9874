#!/bin/sh
# Bundle tests (spec §6, issue 4): a base school's run over several
# submissions, checked with openssl, pdfsig and `dangan verify`, then
# tampered with in every way. Ends "bundle: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1474848000
umask 022   # the modes the bundle is expected to get (issue 13.8)
make_pki "$tmp/pki" && make_pki "$tmp/other" && ok || bad "could not make test certificates"

# Three submissions: two pass (names sorting 李 < 王 by pinyin, given in
# the other order), one falls short.
cp -R samples/li-chunyan "$tmp/a"
sample_as "$tmp/b" LX2016-0009 王堃
sample_as "$tmp/c" LX2016-0008
sed -i '3,10d' "$tmp/c/observations.xml"

# Rows of summary.csv's first table (the passed; the refused follow after an empty line).
passed_rows() { awk 'NR > 1 && /^\r?$/ {exit} NR > 1 {n++} END {print n + 0}' "$1"; }

B="$tmp/out/bundle"
mkdir -p "$tmp/out"
$bin bundle "$tmp/b" "$tmp/c" "$tmp/a" --school "$tmp/pki/SCHOOL.xml" -o "$B" >"$tmp/log" 2>&1; rc=$?
[ $rc -eq 1 ] && ok || bad "bundle with a refusal: exit $rc, expected 1: $(cat "$tmp/log")"
for f in dossiers/LX2016-0007.pdf dossiers/LX2016-0007.xml dossiers/LX2016-0009.pdf refused/LX2016-0008.txt summary.pdf summary.csv manifest.xml manifest.p7s; do
  [ -s "$B/$f" ] && ok || bad "missing $f"
done
[ -z "$(ls "$tmp/out" | grep -v '^bundle$')" ] && ok || bad "temporary folder left: $(ls "$tmp/out")"
grep -q "rate.short\|每个工作日\|count.short\|共 19" "$B/refused/LX2016-0008.txt" && ok || bad "refusal does not give the reason: $(head -5 "$B/refused/LX2016-0008.txt")"
head -c 3 "$B/summary.csv" | od -An -tx1 | grep -q "ef bb bf" && ok || bad "summary.csv has no UTF-8 BOM"
[ "$(sed -n '2p' "$B/summary.csv" | cut -d, -f3)" = '"李春燕"' ] && [ "$(sed -n '3p' "$B/summary.csv" | cut -d, -f3)" = '"王堃"' ] \
  && ok || bad "summary.csv not in pinyin order: $(cat "$B/summary.csv")"
[ "$(passed_rows "$B/summary.csv")" -eq 2 ] && ok || bad "summary.csv should hold the header and the two passing teachers"
# 19 requirements: li-chunyan gives no 学段, so both 学历 variants (小学, 初中) apply.
sed -n '2p' "$B/summary.csv" | grep -q ',20,3,1,4,10,19,19,88,"合格",60' && ok || bad "summary.csv counts against requirements: $(sed -n '2p' "$B/summary.csv")"
pdftotext -enc UTF-8 "$B/summary.pdf" - 2>/dev/null | tr -d ' \n' | grep -q "李春燕.*王堃" && ok || bad "summary.pdf lists the teachers in order"
openssl cms -verify -binary -inform DER -in "$B/manifest.p7s" -content "$B/manifest.xml" -CAfile "$tmp/pki/ca.pem" -out /dev/null >/dev/null 2>&1 \
  && ok || bad "openssl cms -verify rejects the manifest signature"
(cd "$B" && find . -type f ! -name 'manifest.*' | sed 's|^\./||' | sort | while read -r f; do
   h=$(sha256sum "$f" | cut -d' ' -f1); grep -q "path=\"$f\" size=\"[0-9]*\" sha256=\"$h\"" manifest.xml || echo "$f"; done) > "$tmp/unlisted"
[ ! -s "$tmp/unlisted" ] && ok || bad "files not in the manifest with their SHA-256: $(cat "$tmp/unlisted")"
for f in "$B"/dossiers/*.pdf; do
  pdfsig "$f" 2>/dev/null | grep -q "Signature is Valid" && ok || bad "pdfsig: $f"
done
$bin verify "$B" --ca "$tmp/pki/ca.pem" >"$tmp/v" 2>&1 && ok || bad "verify of an intact bundle: $(cat "$tmp/v")"
# PDF/A-1b rule by rule (tests/tools/pdfa.py), nothing allowed: the
# signature's widget has an appearance stream (6.5.3) and its update a new
# second /ID element and Info and XMP rewritten (14.4).
pdfa "$B/summary.pdf"
pdfa "$B"/dossiers/*.pdf
grep -q "签名者：XX县实验学校" "$tmp/v" && ok || bad "verify names the signer: $(cat "$tmp/v")"

# Tampering: each kind on a fresh copy; verify exits 1 and names the file.
tamper() {  # tamper WHAT EXPECTED-WORD COMMAND...
  what=$1; want=$2; shift 2
  rm -rf "$tmp/t"; cp -R "$B" "$tmp/t"
  (cd "$tmp/t" && eval "$@")
  $bin verify "$tmp/t" --ca "$tmp/pki/ca.pem" >"$tmp/v" 2>&1; rc=$?
  [ $rc -eq 1 ] && ok || bad "$what: exit $rc, expected 1: $(cat "$tmp/v")"
  grep -q "$want" "$tmp/v" && ok || bad "$what: report should mention '$want': $(cat "$tmp/v")"
}
tamper "changed dossier byte" "dossiers/LX2016-0007.pdf" 'python3 -c "import sys; p=\"dossiers/LX2016-0007.pdf\"; d=bytearray(open(p,\"rb\").read()); d[5000]^=1; open(p,\"wb\").write(d)"'
tamper "changed summary" "summary.csv" 'printf x >> summary.csv'
tamper "missing dossier" "缺失" 'rm dossiers/LX2016-0009.pdf'
tamper "added file" "多出" 'echo extra > dossiers/extra.pdf'
tamper "changed manifest" "manifest.p7s" 'sed -i "s/XXSY/XXSZ/" manifest.xml'
tamper "changed signature" "manifest.p7s" 'python3 -c "p=\"manifest.p7s\"; d=bytearray(open(p,\"rb\").read()); d[len(d)//2]^=1; open(p,\"wb\").write(d)"'
$bin verify "$B" --ca "$tmp/other/ca.pem" >"$tmp/v" 2>&1; rc=$?
[ $rc -eq 1 ] && ok || bad "a signer the CA does not vouch for: exit $rc, expected 1"
rm -rf "$tmp/t"; cp -R "$B" "$tmp/t"; rm "$tmp/t/manifest.p7s"
$bin verify "$tmp/t" >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "a folder without a manifest signature is not a bundle (exit 2)"

# Never half a bundle, never an overwrite.
before=$(cd "$B" && find . -type f | sort | xargs sha256sum | sha256sum)
$bin bundle "$tmp/a" --school "$tmp/pki/SCHOOL.xml" -o "$B" >/dev/null 2>&1; rc=$?
after=$(cd "$B" && find . -type f | sort | xargs sha256sum | sha256sum)
[ $rc -eq 2 ] && [ "$before" = "$after" ] && ok || bad "an existing bundle must not be overwritten (exit $rc)"
$bin bundle "$tmp/a" "$tmp/nope" --school "$tmp/pki/SCHOOL.xml" -o "$tmp/out/b2" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && [ -z "$(ls "$tmp/out" | grep -v '^bundle$')" ] && ok || bad "a missing folder: exit $rc, and nothing written: $(ls "$tmp/out")"
grep -v "<signer" samples/school-xxsy.xml > "$tmp/nosigner.xml"
$bin bundle "$tmp/a" --school "$tmp/nosigner.xml" -o "$tmp/out/b3" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && [ ! -e "$tmp/out/b3" ] && ok || bad "a school without a signer cannot make a bundle (exit $rc)"
# Issue 13.5: two submissions with one placement id are both refused (one
# refusal naming the id and both folders); the rest is bundled.
cp -R "$tmp/a" "$tmp/a2"
$bin bundle "$tmp/a" "$tmp/a2" "$tmp/b" --school "$tmp/pki/SCHOOL.xml" -o "$tmp/out/b4" >"$tmp/log" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -q "通过 1 份，退回 2 份" "$tmp/log" && ok || bad "two submissions with one id: exit $rc, expected 1 with 1 passed, 2 refused: $(cat "$tmp/log")"
[ -s "$tmp/out/b4/dossiers/LX2016-0009.pdf" ] && [ ! -e "$tmp/out/b4/dossiers/LX2016-0007.pdf" ] && ok || bad "the other submission is bundled, neither duplicate: $(ls "$tmp/out/b4/dossiers")"
grep -q "LX2016-0007.*（a、a2）" "$tmp/out/b4/refused/LX2016-0007.txt" 2>/dev/null && ok || bad "the refusal names the id and both folders: $(cat "$tmp/out/b4/refused/LX2016-0007.txt" 2>&1)"
grep -q '"LX2016-0007",.*"a、a2",.*同时用于 2 份提交' "$tmp/out/b4/summary.csv" && ok || bad "the duplicates are in summary.csv's refused table: $(cat "$tmp/out/b4/summary.csv")"
$bin bundle "$tmp/a" "$tmp/b" --school "$tmp/pki/SCHOOL.xml" -o "$tmp/out/all" >/dev/null 2>&1; rc=$?
[ $rc -eq 0 ] && ok || bad "a bundle where everything passes: exit $rc, expected 0"

# Issue 13.1: one submission of every shipped profile (five have no score
# bands, one has no assessment yet); every one passes, and every one is a
# row of summary.csv and of summary.pdf.
i=0; profs=""
for f in templates/profiles/*.xml; do
  i=$((i + 1)); p=$(basename "$f" .xml)
  python3 tests/tools/sample_for.py "$p" "$tmp/prof/$p" "PF-$i" "XX县实验学校" || bad "could not make a submission for $p"
  profs="$profs $tmp/prof/$p"
done
$bin bundle $profs --school "$tmp/pki/SCHOOL.xml" -o "$tmp/out/profiles" >"$tmp/log" 2>&1; rc=$?
[ $rc -eq 0 ] && ok || bad "every profile's submission should pass: exit $rc: $(cat "$tmp/log")"
passed=$(ls "$tmp/out/profiles/dossiers/" 2>/dev/null | grep -c '\.pdf$')
[ "$passed" -eq "$i" ] && ok || bad "$passed of $i dossiers"
rows=$(passed_rows "$tmp/out/profiles/summary.csv")
[ "$rows" -eq "$passed" ] && ok || bad "summary.csv has $rows rows for $passed passed: $(cat "$tmp/out/profiles/summary.csv")"
pdfrows=$(pdftotext -layout -enc UTF-8 "$tmp/out/profiles/summary.pdf" - 2>/dev/null | grep -c 'PF-[0-9]')
[ "$pdfrows" -eq "$passed" ] && ok || bad "summary.pdf has $pdfrows rows for $passed passed"
for p in $profs; do
  id=$(grep -o 'id="PF-[0-9]*"' "$p/placement.xml" | cut -d'"' -f2)
  grep -q "\"$id\"" "$tmp/out/profiles/summary.csv" && ok || bad "$(basename "$p") ($id) missing from summary.csv"
done

# Issue 13.2: a failure while building one submission refuses that one
# (refused/ID.txt says why), the rest of the bundle is written, exit 1.
# DANGAN_FAIL_BUILD=ID makes the builder fail for that placement as an
# unreadable image or a layout limit would.
DANGAN_FAIL_BUILD=LX2016-0009 $bin bundle "$tmp/a" "$tmp/b" --school "$tmp/pki/SCHOOL.xml" -o "$tmp/out/fail" >"$tmp/log" 2>&1; rc=$?
[ $rc -eq 1 ] && ok || bad "a build failure of one submission: exit $rc, expected 1: $(cat "$tmp/log")"
[ -s "$tmp/out/fail/dossiers/LX2016-0007.pdf" ] && [ ! -e "$tmp/out/fail/dossiers/LX2016-0009.pdf" ] && ok || bad "the other dossier must be written, the failed one not"
grep -q "未能生成档案：.*DANGAN_FAIL_BUILD" "$tmp/out/fail/refused/LX2016-0009.txt" 2>/dev/null && ok || bad "refused/LX2016-0009.txt must say why: $(cat "$tmp/out/fail/refused/LX2016-0009.txt" 2>&1)"
[ "$(passed_rows "$tmp/out/fail/summary.csv")" -eq 1 ] && grep -q '"LX2016-0009","王堃",.*未能生成档案' "$tmp/out/fail/summary.csv" && ok || bad "summary.csv: one passed, the failed one among the refused: $(cat "$tmp/out/fail/summary.csv")"
$bin verify "$tmp/out/fail" --ca "$tmp/pki/ca.pem" >/dev/null 2>&1 && ok || bad "a bundle with a failed build still verifies"
DANGAN_FAIL_BUILD=LX2016-0007 $bin build "$tmp/a" --draft -o "$tmp/draft.pdf" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -ne 0 ] && [ ! -e "$tmp/draft.pdf" ] && grep -q "DANGAN_FAIL_BUILD" "$tmp/err" && ok || bad "build --draft failing must say why: exit $rc: $(cat "$tmp/err")"
# A real one: an interlaced PNG passes check; whether the builder can use
# it or not, the bundle is written for everyone, and a refusal says why
# without the clerk's local paths.
sample_as "$tmp/il" LX2016-0031
mkdir -p "$tmp/il/photos"
python3 - "$tmp/il/photos/il.png" <<'PY'
import struct, sys, zlib
w, h = 40, 30
px = lambda x, y: bytes(((x * 6) % 256, (y * 8) % 256, 128))
raw = b""
for x0, y0, dx, dy in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]:
    for y in range(y0, h, dy):
        row = b"".join(px(x, y) for x in range(x0, w, dx))
        if row: raw += b"\0" + row
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 1)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
PY
cat > "$tmp/il/figures.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<reflections xmlns="urn:dangan:1">
  <reflection date="2016-09-20" kind="summary"><title>板书</title><p>附板书照片一张。</p>
    <figure src="photos/il.png"><caption>图1　板书</caption></figure></reflection>
</reflections>
XML
$bin bundle "$tmp/a" "$tmp/il" --school "$tmp/pki/SCHOOL.xml" -o "$tmp/out/il" >"$tmp/log" 2>&1; rc=$?
[ $rc -le 1 ] && [ -s "$tmp/out/il/dossiers/LX2016-0007.pdf" ] && ok || bad "an interlaced PNG in one submission: exit $rc, the bundle must be written: $(cat "$tmp/log")"
[ -s "$tmp/out/il/dossiers/LX2016-0031.pdf" ] || { grep -q "未能生成档案：.*il.png" "$tmp/out/il/refused/LX2016-0031.txt" && ! grep -q "$tmp" "$tmp/out/il/refused/LX2016-0031.txt"; } \
  && ok || bad "the interlaced PNG's submission: neither a dossier nor a refusal saying why without local paths: $(cat "$tmp/out/il/refused/LX2016-0031.txt" 2>&1)"

# Issue 13.4: a submission placed with another school is refused, the
# finding naming both schools.
sample_as "$tmp/host" LX2016-0041
sed -i 's|<school>XX县实验学校</school>|<school>XX县第二实验小学</school>|' "$tmp/host/placement.xml"
$bin bundle "$tmp/a" "$tmp/host" --school "$tmp/pki/SCHOOL.xml" -o "$tmp/out/host" >"$tmp/log" 2>&1; rc=$?
[ $rc -eq 1 ] && [ -s "$tmp/out/host/dossiers/LX2016-0007.pdf" ] && [ ! -e "$tmp/out/host/dossiers/LX2016-0041.pdf" ] && ok || bad "another host school: exit $rc, expected 1 and that one refused: $(cat "$tmp/log")"
grep -q "placement.xml.*XX县第二实验小学.*XX县实验学校" "$tmp/out/host/refused/LX2016-0041.txt" 2>/dev/null && ok || bad "the refusal names both schools: $(cat "$tmp/out/host/refused/LX2016-0041.txt" 2>&1)"

# Issue 13.6: the 汇总表's columns, the refused table with first reasons,
# the date and signature lines, names that never wrap, and surname-aware
# pinyin order (曾 zēng, 单 shàn, 尉迟 yùchí — not céng, dān, wèi).
n=50; names=""
for nm in 曾小贤 李春燕 单田芳 王堃 欧阳娜娜 尉迟恭 阿依古丽·买买提明; do
  n=$((n + 1)); sample_as "$tmp/n$n" "LX2016-00$n" "$nm"; names="$names $tmp/n$n"
done
$bin bundle $names "$tmp/c" --school "$tmp/pki/SCHOOL.xml" -o "$tmp/out/names" >"$tmp/log" 2>&1
S="$tmp/out/names"
order=$(awk -F, 'NR > 1 && /^\r?$/ {exit} NR > 1 {print $3}' "$S/summary.csv" | tr -d '"' | tr '\n' ' ')
[ "$order" = "阿依古丽·买买提明 李春燕 欧阳娜娜 单田芳 王堃 尉迟恭 曾小贤 " ] && ok || bad "surname-aware pinyin order: $order"
head -1 "$S/summary.csv" | grep -q '序号,跟岗编号,姓名,派出学校,研修项目,听课,.*,成绩,等次,学时' && ok || bad "summary.csv columns: $(head -1 "$S/summary.csv")"
grep -q '^1,"LX2016-0008",.*,"c",".*听课' "$S/summary.csv" && ok || bad "summary.csv's refused table gives folder and first reason: $(cat "$S/summary.csv")"
pdftotext -layout -enc UTF-8 "$S/summary.pdf" "$tmp/names.txt" 2>/dev/null
for w in 跟岗编号 LX2016-0051 制表日期：2016年9月26日 制表人 "审核人（签字）" 未通过核对的提交 LX2016-0008; do
  grep -q "$w" "$tmp/names.txt" && ok || bad "summary.pdf lacks $w"
done
for nm in 欧阳娜娜 阿依古丽·买买提明; do
  grep -q "$nm" "$tmp/names.txt" && ok || bad "$nm wraps in summary.pdf: $(grep -n "${nm%??}" "$tmp/names.txt")"
done
tr -d ' \n' < "$tmp/names.txt" | grep -q "李春燕.*欧阳娜娜.*单田芳.*王堃.*尉迟恭.*曾小贤" && ok || bad "summary.pdf not in surname-aware pinyin order"

# Issue 13.8: the bundle gets the user's umask (0755/0644 under 022,
# 0750/0640 under 027), and refusals name submissions by their folder's
# base name only.
modes=$(cd "$B" && stat -c '%a' . dossiers refused summary.pdf summary.csv manifest.xml manifest.p7s dossiers/LX2016-0007.pdf refused/LX2016-0008.txt | sort -u | tr '\n' ' ')
[ "$modes" = "644 755 " ] && ok || bad "bundle modes under umask $(umask): $modes"
(umask 027 && $bin bundle "$tmp/a" "$tmp/c" --school "$tmp/pki/SCHOOL.xml" -o "$tmp/out/mask" >/dev/null 2>&1)
modes=$(cd "$tmp/out/mask" && stat -c '%a' . dossiers summary.pdf manifest.p7s dossiers/LX2016-0007.pdf refused/LX2016-0008.txt | sort -u | tr '\n' ' ')
[ "$modes" = "640 750 " ] && ok || bad "bundle modes under umask 027: $modes"
! grep -rq "$tmp" "$B/refused" "$tmp/out/host/refused" "$tmp/out/names/refused" && ok || bad "refusals hold local paths: $(grep -rl "$tmp" "$B/refused" "$tmp/out/host/refused" "$tmp/out/names/refused")"
head -1 "$B/refused/LX2016-0008.txt" | grep -q "^== c · " && ok || bad "a refusal names its folder by base name: $(head -1 "$B/refused/LX2016-0008.txt")"

# A placement id that is not one (a path) never names a file: the
# submission is refused under its folder's name, nothing lands outside.
cp -R "$tmp/a" "$tmp/evil"
sed -i 's|id="LX2016-0007"|id="../../escaped"|' "$tmp/evil/placement.xml"
$bin bundle "$tmp/evil" --school "$tmp/pki/SCHOOL.xml" -o "$tmp/out/evil" >"$tmp/log" 2>&1; rc=$?
[ $rc -eq 1 ] && [ -s "$tmp/out/evil/refused/evil.txt" ] && [ ! -e "$tmp/escaped.txt" ] && [ ! -e "$tmp/out/escaped.txt" ] \
  && ok || bad "a path as placement id: exit $rc: $(cat "$tmp/log"; ls "$tmp/out/evil/refused" "$tmp")"

# Even a crash while building one submission (DANGAN_FAIL_BUILD=ID:abort)
# refuses that one only: the submissions its worker had not reached yet
# are done again, one process each, and the bundle is whole.
DANGAN_FAIL_BUILD=LX2016-0007:abort $bin bundle "$tmp/a" "$tmp/b" --school "$tmp/pki/SCHOOL.xml" -o "$tmp/out/crash" -j 1 >"$tmp/log" 2>&1; rc=$?
[ $rc -eq 1 ] && [ -s "$tmp/out/crash/dossiers/LX2016-0009.pdf" ] && [ ! -e "$tmp/out/crash/dossiers/LX2016-0007.pdf" ] && ok || bad "a crash in one submission: exit $rc, expected 1 and the other one bundled: $(cat "$tmp/log"; ls -R "$tmp/out/crash" 2>&1 | head -20)"
grep -q "异常终止" "$tmp/out/crash/refused/LX2016-0007.txt" 2>/dev/null && ok || bad "the refusal says the program stopped: $(cat "$tmp/out/crash/refused/LX2016-0007.txt" 2>&1)"
$bin verify "$tmp/out/crash" --ca "$tmp/pki/ca.pem" >"$tmp/v" 2>&1 && ok || bad "a bundle after a crash verifies (no stray files): $(cat "$tmp/v")"

echo "bundle: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
