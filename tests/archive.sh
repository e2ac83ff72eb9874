#!/bin/sh
# Archive tests (spec §6, issue 5): filing verified bundles, refusing what
# is not intact or not trusted with the archive untouched, surviving a kill
# at every step, concurrent runs, and find. Ends "archive: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1474848000
make_pki "$tmp/pki" && make_pki "$tmp/other" && ok || bad "could not make test certificates"

# Two bundles: B1 with two teachers, B2 with a third (a later year).
cp -R samples/li-chunyan "$tmp/a"
sample_as "$tmp/b" LX2016-0009 王堃
sample_as "$tmp/c" LX2016-0010 張曉明
sed -i 's|<school>XX县红星乡中心小学</school>|<school>ＸＸ县东风小学</school>|' "$tmp/c/placement.xml"
$bin bundle "$tmp/a" "$tmp/b" --school "$tmp/pki/SCHOOL.xml" -o "$tmp/B1" >/dev/null 2>&1 && ok || bad "bundle B1"
$bin bundle "$tmp/c" --school "$tmp/pki/SCHOOL.xml" -o "$tmp/B2" >/dev/null 2>&1 && ok || bad "bundle B2"

consistent() {  # the index and the files agree (reports too), nothing left in staging
  cdir=$1    # (sh has no locals: a name of its own)
  rows=$($bin find --archive "$cdir" --history --json 2>/dev/null | jq -r .path | LC_ALL=C sort)
  files=$(cd "$cdir" && find . \( -path ./trust -o -path ./reports \) -prune -o -name '*.pdf' -print | sed 's|^\./||' | LC_ALL=C sort)
  [ "$rows" = "$files" ] && [ ! -e "$cdir/.staging" ] || { echo "index: [$rows] files: [$files]"; return 1; }
  # Each filed dossier's record (dossiers/ID.xml) is kept beside its PDF as
  # NUMBER[.vN].xml, and no other .xml lies among the dossiers.
  recs=$(sqlite3 "$cdir/index.sqlite" "SELECT record FROM dossier WHERE record IS NOT NULL" 2>/dev/null | LC_ALL=C sort)
  want=$(printf '%s\n' $rows | sed 's/\.pdf$/.xml/' | grep . | LC_ALL=C sort)
  xmls=$(cd "$cdir" && find . \( -path ./trust -o -path ./reports -o -path ./bundles \) -prune -o -name '*.xml' ! -path ./archive.xml -print | sed 's|^\./||' | LC_ALL=C sort)
  [ "$recs" = "$want" ] && [ "$xmls" = "$want" ] || { echo "records: index [$recs] files [$xmls] want [$want]"; return 1; }
  kept=$($bin find --archive "$cdir" --history --json 2>/dev/null | jq -r .manifest | LC_ALL=C sort -u)
  for m in $kept; do
    [ -s "$cdir/bundles/$m.xml" ] && [ -s "$cdir/bundles/$m.p7s" ] || { echo "manifest $m not kept"; return 1; }
  done
  [ "$(ls "$cdir/bundles" 2>/dev/null | wc -l)" -eq $((2 * $(printf '%s\n' $kept | grep -c .))) ] || { echo "stray manifests"; return 1; }
  # Every filing has its whole signed report (xml, p7s, pdf), and only those are there.
  filings=$(sqlite3 "$cdir/index.sqlite" "SELECT filing FROM filing ORDER BY filing" 2>/dev/null)
  used=$($bin find --archive "$cdir" --history --json 2>/dev/null | jq -r 'select(.filing) | .filing' | LC_ALL=C sort -u)
  [ "$filings" = "$used" ] || { echo "filings [$filings] rows [$used]"; return 1; }
  want=$(for r in $filings; do printf '%s\n' "$r.pdf" "$r.xml" "$r.xml.p7s"; done | LC_ALL=C sort)
  [ "$(ls "$cdir/reports" 2>/dev/null | LC_ALL=C sort)" = "$want" ] || { echo "reports: [$(ls "$cdir/reports" 2>/dev/null)] want [$want]"; return 1; }
  for r in $filings; do [ -s "$cdir/reports/$r.xml" ] && [ -s "$cdir/reports/$r.xml.p7s" ] && [ -s "$cdir/reports/$r.pdf" ] || { echo "report $r incomplete"; return 1; }; done
}

A="$tmp/arch"
new_archive "$A"
$bin archive "$tmp/B1" --into "$A" >"$tmp/log" 2>&1 && ok || bad "filing B1: $(cat "$tmp/log")"
grep -q "归档 2 份" "$tmp/log" && ok || bad "filing says how many: $(cat "$tmp/log")"
[ -s "$A/2016/XX县红星乡中心小学/黟教-2016-0001.pdf" ] && [ -s "$A/2016/XX县红星乡中心小学/黟教-2016-0002.pdf" ] \
  && ok || bad "archive numbers and places: $(cd "$A" && find . -name '*.pdf')"
consistent "$A" && ok || bad "index and files disagree after filing"
# The dossier's record from the bundle, byte for byte beside its PDF.
cmp -s "$A/2016/XX县红星乡中心小学/黟教-2016-0001.xml" "$tmp/B1/dossiers/LX2016-0007.xml" &&
  cmp -s "$A/2016/XX县红星乡中心小学/黟教-2016-0002.xml" "$tmp/B1/dossiers/LX2016-0009.xml" \
  && ok || bad "the records are kept: $(ls "$A/2016/XX县红星乡中心小学")"

# Ten years on, with openssl alone: the manifest's signature, then the
# hash of the signed revision (the first SIZE bytes; the 归档章 follows).
f="$A/2016/XX县红星乡中心小学/黟教-2016-0001"
m="$A/bundles/$($bin find --archive "$A" --teacher 李春燕 --json | jq -r .manifest)"
[ "$(ls "$A/bundles" | wc -l)" -eq 2 ] && ! ls "$A"/2016/*/*.manifest.* >/dev/null 2>&1 && ok || bad "one bundle's manifest is kept once: $(ls "$A/bundles")"
openssl cms -verify -binary -inform DER -in "$m.p7s" -content "$m.xml" -CAfile "$tmp/pki/ca.pem" -out /dev/null >/dev/null 2>&1 \
  && ok || bad "openssl cms -verify of the kept manifest"
entry=$(grep 'path="dossiers/LX2016-0007.pdf"' "$m.xml")
size=$(printf '%s' "$entry" | sed 's/.*size="\([0-9]*\)".*/\1/')
sha=$(printf '%s' "$entry" | sed 's/.*sha256="\([0-9a-f]*\)".*/\1/')
[ "$(head -c "$size" "$f.pdf" | sha256sum | cut -d' ' -f1)" = "$sha" ] && ok || bad "the signed revision's SHA-256 is not the manifest's"
pdfsig "$f.pdf" > "$tmp/sig" 2>&1
grep -q "Signature is Valid" "$tmp/sig" && ok || bad "the school's signature no longer verifies its revision: $(cat "$tmp/sig")"
$bin verify "$f.pdf" --trust "$A/trust" > "$tmp/v" 2>&1 && grep -q "签名者（按顺序）：XX县实验学校（跟岗研修档案核验，2016-09-26）；XX县教育体育局档案室（加盖归档章" "$tmp/v" \
  && ok || bad "verify reports both signers, school then archive: $(cat "$tmp/v")"
python3 -c "
import sys; sys.argv = ['', '']; exec(open('tests/tools/pdfcheck.py').read().split('def main():')[0])
n = red_pixels('$f.pdf', 1, (380, 20, 570, 120), dpi=72)
sys.exit(0 if n > 200 else 1)" && ok || bad "no red 归档章 at the top right of page 1"
pdftotext -enc UTF-8 "$f.pdf" - 2>"$tmp/err" >/dev/null; [ ! -s "$tmp/err" ] && ok || bad "pdftotext on the filed dossier: $(cat "$tmp/err")"
qpdf --check "$f.pdf" >/dev/null 2>&1 && ok || bad "qpdf --check on the filed dossier"
# PDF/A-1b of the newest revision, 归档章 and its font included
# (tests/tools/pdfa.py): the widget's appearance (6.5.3), a new second /ID
# and Info and XMP rewritten by each update (14.4), the stamp font's
# /CIDSet (6.3.5) and /W (6.3.6).
pdfa "$f.pdf"
# Issue 16: the 归档章 is real text (the number found by search and by
# pdftotext), in a CIDFontType2 subset of its own with a ToUnicode map,
# drawn by one Flate-compressed Form XObject; the update stays small.
s="$tmp/B1/dossiers/LX2016-0007.pdf"
grow=$(( $(stat -c %s "$f.pdf") - $(stat -c %s "$s") ))
[ "$grow" -le 15000 ] && ok || bad "the 归档章 update adds $grow bytes (at most 15000)"
pdftotext -f 1 -l 1 -enc UTF-8 "$f.pdf" - | tr -d ' \n' > "$tmp/p1.txt"
grep -q "全宗号年度保管期限件号—2016永久0001黟教-2016-0001" "$tmp/p1.txt" \
  && ok || bad "the 归档章's text in reading order on page 1: $(cat "$tmp/p1.txt")"
[ "$(pdffonts -f 1 -l 1 "$f.pdf" | tail -n +3 | wc -l)" -eq $(($(pdffonts -f 1 -l 1 "$s" | tail -n +3 | wc -l) + 1)) ] \
  && pdffonts -f 1 -l 1 "$f.pdf" | tail -n 1 | grep -Eq "^[A-Z]{6}\+[^ ]+ +CID TrueType +Identity-H +yes +yes +yes" \
  && ok || bad "the 归档章 font: $(pdffonts -f 1 -l 1 "$f.pdf")"
python3 - "$s" "$f.pdf" <<'PY' && ok || bad "the 归档章 is not one Flate Form XObject on page 1"
import sys; sys.path.insert(0, "tests/tools")
from pdf_inspect import Doc, qpdf_json
def page1(path):
    d = Doc(qpdf_json(path, "none"))
    p = d.pages[0]
    res = d.get(d.get(p["object"])["/Resources"])
    return d, p["contents"], d.get(res.get("/XObject")) or {}
_, c0, x0 = page1(sys.argv[1])
d, c1, x1 = page1(sys.argv[2])
new = [n for n in x1 if n not in x0]
assert c1[:len(c0)] == c0 and len(c1) == len(c0) + 1, (c0, c1)
assert len(new) == 1, new
form = d.get(x1[new[0]])["dict"]
assert form["/Subtype"] == "/Form" and form["/Filter"] == "/FlateDecode", form
fonts = d.get(d.get(form["/Resources"])["/Font"])
assert len(fonts) >= 1 and all("/ToUnicode" in d.get(v) for v in fonts.values()), fonts
call = Doc(qpdf_json(sys.argv[2], "generalized")).data(c1[-1]).split()
assert call == [b"q", ("/" + new[0].lstrip("/")).encode(), b"Do", b"Q"], call
PY
python3 -c "import sys; p=sys.argv[1]; d=open(p,'rb').read(); open(sys.argv[2],'wb').write(d + b'%% extra\n')" "$f.pdf" "$tmp/more.pdf"
$bin verify "$tmp/more.pdf" --trust "$A/trust" >/dev/null 2>&1; [ $? -eq 1 ] && ok || bad "bytes after the 归档章 must not verify"

# Filing the same bundle twice files nothing new and says so.
before=$(tree_hash "$A")
$bin archive "$tmp/B1" --into "$A" >"$tmp/log" 2>&1 && ok || bad "refiling: exit $?"
grep -q "已归档过" "$tmp/log" && ok || bad "refiling should say so: $(cat "$tmp/log")"
[ "$(tree_hash "$A")" = "$before" ] || [ "$($bin find --archive "$A" --json | wc -l)" -eq 2 ] && ok || bad "refiling changed the archive"
[ "$($bin find --archive "$A" --json | wc -l)" -eq 2 ] && ok || bad "refiling added rows"

# Refusals leave the archive byte-for-byte as it was.
refuse() {  # refuse WHAT BUNDLE [TRUSTED-CA]
  R="$tmp/r-$1"; rm -rf "$R"; new_archive "$R" "${3:-$tmp/pki/ca.pem}"
  $bin archive --recover "$R" >/dev/null 2>&1   # an archive in use: its lock file exists
  before=$(tree_hash "$R")
  $bin archive "$2" --into "$R" >"$tmp/log" 2>&1; rc=$?
  [ $rc -eq 1 ] && ok || bad "$1: exit $rc, expected 1: $(cat "$tmp/log")"
  [ "$(tree_hash "$R")" = "$before" ] && ok || bad "$1: the archive changed: $(cd "$R" && find . -type f)"
}
refuse untrusted "$tmp/B1" "$tmp/other/ca.pem"
rm -rf "$tmp/T1"; cp -R "$tmp/B1" "$tmp/T1"
python3 -c "import sys; p=sys.argv[1]; d=bytearray(open(p,'rb').read()); d[4000]^=1; open(p,'wb').write(d)" "$tmp/T1/dossiers/LX2016-0007.pdf"
refuse tampered "$tmp/T1"
rm -rf "$tmp/T2"; cp -R "$tmp/B1" "$tmp/T2"; rm "$tmp/T2/dossiers/LX2016-0009.pdf"
refuse missing "$tmp/T2"
rm -rf "$tmp/T3"; cp -R "$tmp/B1" "$tmp/T3"; rm "$tmp/T3/manifest.p7s"
refuse not-a-bundle "$tmp/T3"

# Killed at every step of a filing (6: the 检测报告 half placed):
# afterwards index, files and reports agree — no report or a whole one —
# and the filing can simply be run again.
for step in 1 2 3 6 4 5; do
  K="$tmp/k$step"; new_archive "$K"
  $bin archive "$tmp/B2" --into "$K" >/dev/null 2>&1
  DANGAN_ABORT_AT=$step $bin archive "$tmp/B1" --into "$K" >/dev/null 2>&1; rc=$?
  [ $rc -ge 128 ] && ok || bad "step $step: the process should have been killed (exit $rc)"
  # find reads only what committed and never recovers (no lock held).
  n=$($bin find --archive "$K" --json | wc -l)
  [ -e "$K/.staging" ] && ok || bad "step $step: find must not recover (that needs the filing lock)"
  $bin archive --recover "$K" >/dev/null 2>&1 && ok || bad "step $step: archive --recover failed"
  consistent "$K" && ok || bad "step $step: index and files disagree after the kill and recovery"
  { [ $step -eq 5 ] && [ "$n" -eq 3 ]; } || { [ $step -ne 5 ] && [ "$n" -eq 1 ]; } && ok || bad "step $step: $n rows"
  nr=$(ls "$K/reports" | wc -l)
  { [ $step -eq 5 ] && [ "$nr" -eq 6 ]; } || { [ $step -ne 5 ] && [ "$nr" -eq 3 ]; } && ok || bad "step $step: $nr report files: $(ls "$K/reports")"
  $bin archive "$tmp/B1" --into "$K" >/dev/null 2>&1 && ok || bad "step $step: filing again failed"
  consistent "$K" && [ "$($bin find --archive "$K" --json | wc -l)" -eq 3 ] && [ "$(ls "$K/reports" | wc -l)" -eq 6 ] && ok || bad "step $step: not complete after filing again"
done

# Two archive runs at once on one archive: both filed, numbers unique.
C="$tmp/conc"; new_archive "$C"
$bin archive "$tmp/B1" --into "$C" >"$tmp/c1" 2>&1 & p1=$!
$bin archive "$tmp/B2" --into "$C" >"$tmp/c2" 2>&1 & p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
[ $r1 -eq 0 ] && [ $r2 -eq 0 ] && ok || bad "concurrent runs: exits $r1 $r2: $(cat "$tmp/c1" "$tmp/c2")"
consistent "$C" && ok || bad "concurrent runs: index and files disagree"
[ "$($bin find --archive "$C" --json | jq -r .number | sort -u | wc -l)" -eq 3 ] && ok || bad "concurrent runs: numbers not unique"

# A corrected re-submission (issue 13): refused by default naming the
# number it is filed under; with --supersede --reason, the next version
# of the same number, every earlier version kept byte for byte.
cp -R samples/li-chunyan "$tmp/a2"
sed -i '0,/<p>/s|<p>|<p>（更正）|' "$tmp/a2/journal.xml"
$bin bundle "$tmp/a2" --school "$tmp/pki/SCHOOL.xml" -o "$tmp/B1c" >/dev/null 2>&1 && ok || bad "bundle of the corrected submission"
V="$tmp/ver"; new_archive "$V"
$bin archive "$tmp/B1" --into "$V" >/dev/null 2>&1 && $bin archive "$tmp/B2" --into "$V" >/dev/null 2>&1 && ok || bad "versions: first filing"
before=$(tree_hash "$V"); v1="$V/2016/XX县红星乡中心小学/黟教-2016-0001.pdf"; v1sum=$(sha256sum < "$v1")
$bin archive "$tmp/B1c" --into "$V" >"$tmp/log" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -q "LX2016-0007 已归档为 黟教-2016-0001；如为更正后的新版本，请用 --supersede" "$tmp/log" && [ "$(tree_hash "$V")" = "$before" ] \
  && ok || bad "re-submission without --supersede: exit $rc: $(cat "$tmp/log")"
$bin archive "$tmp/B1c" --into "$V" --supersede >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "--supersede without --reason: exit 2"
for step in 1 2 3 4; do   # killed at each step of a supersede: recovered, v1 still current
  DANGAN_ABORT_AT=$step $bin archive "$tmp/B1c" --into "$V" --supersede --reason "更正日志" >/dev/null 2>&1
  $bin archive --recover "$V" >/dev/null 2>&1
  consistent "$V" && [ "$($bin find --archive "$V" --teacher 李春燕 --json | jq -r .version)" = 1 ] && ok || bad "supersede killed at step $step"
done
$bin archive "$tmp/B1c" --into "$V" --supersede --reason "更正日志" >"$tmp/log" 2>&1 && ok || bad "supersede: $(cat "$tmp/log")"
[ -s "$V/2016/XX县红星乡中心小学/黟教-2016-0001.v2.pdf" ] && [ "$(sha256sum < "$v1")" = "$v1sum" ] && ok || bad "v2 filed beside v1, v1 unchanged"
cmp -s "$V/2016/XX县红星乡中心小学/黟教-2016-0001.v2.xml" "$tmp/B1c/dossiers/LX2016-0007.xml" && ok || bad "v2's record kept as NUMBER.v2.xml"
$bin find --archive "$V" --teacher 李春燕 --json | jq -e '.number == "黟教-2016-0001" and .version == 2 and .current and .reason == "更正日志"' >/dev/null \
  && ok || bad "find shows the current version: $($bin find --archive "$V" --teacher 李春燕 --json)"
[ "$($bin find --archive "$V" --json | wc -l)" -eq 3 ] && [ "$($bin find --archive "$V" --history --json | wc -l)" -eq 4 ] && ok || bad "find --history shows every version"
$bin find --archive "$V" --teacher 李春燕 --history | grep -q "第1版（已被更正）" && ok || bad "history text: $($bin find --archive "$V" --teacher 李春燕 --history)"
consistent "$V" && ok || bad "versions: index and files disagree"
$bin verify "$V/2016/XX县红星乡中心小学/黟教-2016-0001.v2.pdf" --trust "$V/trust" >/dev/null 2>&1 && ok || bad "v2 verifies"
pdftotext -f 1 -l 1 -enc UTF-8 "$V/2016/XX县红星乡中心小学/黟教-2016-0001.v2.pdf" - | grep -q "^黟教-2016-0001（第2版）$" \
  && ok || bad "v2's 归档章 says which version, as text"
$bin find --archive "$V" --year 2016 --register -o "$tmp/vreg.pdf" >/dev/null 2>&1 && [ "$(($(wc -l < "$tmp/vreg.csv") - 1))" -eq 3 ] \
  && ok || bad "the 备案表 lists current versions only: $(cat "$tmp/vreg.csv")"
$bin archive "$tmp/B1c" --into "$V" --supersede --reason "再次" >"$tmp/log" 2>&1 && grep -q "已归档过" "$tmp/log" && ok || bad "the same corrected bundle again files nothing"

# An index of the first layout (no versions) is migrated in place.
O="$tmp/old"; new_archive "$O"; mkdir -p "$O/2016/x"
sqlite3 "$O/index.sqlite" "CREATE TABLE dossier (number TEXT PRIMARY KEY, prefix TEXT NOT NULL, year INTEGER NOT NULL, seq INTEGER NOT NULL, placement_id TEXT NOT NULL, teacher TEXT NOT NULL, teacher_key TEXT NOT NULL, gender TEXT, home_school TEXT NOT NULL, school_key TEXT NOT NULL, base_school TEXT, profile TEXT, start TEXT, end TEXT, counts TEXT, score REAL, outcome TEXT, hours INTEGER, sha256 TEXT NOT NULL UNIQUE, signer TEXT, filed_at TEXT NOT NULL, path TEXT NOT NULL, UNIQUE (prefix, year, seq)); INSERT INTO dossier VALUES ('黟教-2016-0001','黟教',2016,1,'LX2016-0001','甲','甲','女','某校','某校','','p','2016-09-01','2016-09-20','{}',NULL,'',NULL,'00','','2016-10-01','2016/x/黟教-2016-0001.pdf');" 2>/dev/null
$bin archive "$tmp/B2" --into "$O" >/dev/null 2>&1 && [ "$($bin find --archive "$O" --json | jq -r .number | tr '\n' ' ')" = "黟教-2016-0001 黟教-2016-0002 " ] \
  && ok || bad "old index migrated: $($bin find --archive "$O" --json)"

# find by each field; names tolerant of traditional and full-width forms.
$bin archive "$tmp/B2" --into "$A" >/dev/null 2>&1
q() { $bin find --archive "$A" "$@" --json 2>/dev/null | jq -r .teacher | tr '\n' ' '; }
[ "$(q)" = "李春燕 王堃 張曉明 " ] && ok || bad "all rows in pinyin order: $(q)"
[ "$(q --teacher 张晓明)" = "張曉明 " ] && ok || bad "simplified finds traditional: $(q --teacher 张晓明)"
[ "$(q --teacher 王堃)" = "王堃 " ] && ok || bad "teacher: $(q --teacher 王堃)"
[ "$(q --school XX县东风)" = "張曉明 " ] && ok || bad "half-width finds full-width: $(q --school XX县东风)"
[ "$(q --school 红星乡)" = "李春燕 王堃 " ] && ok || bad "school: $(q --school 红星乡)"
[ "$(q --year 2016 | wc -w)" -eq 3 ] && [ -z "$(q --year 2017)" ] && ok || bad "year"
$bin find --archive "$A" --teacher 李春燕 --json | jq -e '.number == "黟教-2016-0001" and .gender == "女" and .base_school == "XX县实验学校" and .counts.observation == 20 and .score == 88 and .hours == 60 and (.sha256 | length) == 64 and .signer == "XX县实验学校"' >/dev/null \
  && ok || bad "find --json fields: $($bin find --archive "$A" --teacher 李春燕 --json)"
$bin find --archive "$A" --teacher 李春燕 | grep -q "^黟教-2016-0001  李春燕" && ok || bad "find text output"
$bin find --archive "$A" --teacher 无此人 >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] && [ ! -s "$tmp/out" ] && grep -q "未找到" "$tmp/err" && ok || bad "find with no match: exit $rc, expected 1 and 未找到 on stderr"
$bin find --archive "$tmp/nowhere" >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "find in a folder that is not an archive: exit 2"
$bin archive "$tmp/B1" --into "$tmp/nowhere" >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "archive into a folder that is not an archive: exit 2"

# The yearly 备案表 (seed 000 附件1): ruled-grid PDF and CSV, one row a teacher.
sed -i 's|prefix="黟教"|prefix="黟教" county="黟县"|' "$A/archive.xml"
$bin find --archive "$A" --year 2016 --register -o "$tmp/reg.pdf" 2>"$tmp/err" && ok || bad "register: $(cat "$tmp/err")"
[ -s "$tmp/reg.pdf" ] && [ -s "$tmp/reg.csv" ] && ok || bad "register PDF and CSV"
# Its document information says whose and what, as every PDF dangan writes.
pdfinfo "$tmp/reg.pdf" 2>/dev/null | grep -q '^Author: *[^ ]' && pdfinfo "$tmp/reg.pdf" | grep -q '^Keywords: *[^ ]' \
  && ok || bad "register: empty Author or Keywords: $(pdfinfo "$tmp/reg.pdf" | grep -E '^(Author|Keywords)')"
head -c 3 "$tmp/reg.csv" | od -An -tx1 | grep -q "ef bb bf" && ok || bad "register CSV BOM"
[ "$(sed -n '2,4p' "$tmp/reg.csv" | cut -d, -f3 | tr '\n' ' ')" = '"李春燕" "王堃" "張曉明" ' ] && ok || bad "register rows: $(cat "$tmp/reg.csv")"
pdftotext -layout -enc UTF-8 "$tmp/reg.pdf" - | sed 's/ //g' > "$tmp/reg.txt"
grep -q "2016至2017学年度黟县跟岗教师备案表" "$tmp/reg.txt" && grep -q "派出学校（盖章）" "$tmp/reg.txt" && grep -q "張曉明" "$tmp/reg.txt" \
  && ok || bad "register PDF text: $(head -5 "$tmp/reg.txt")"
qpdf --check "$tmp/reg.pdf" >/dev/null 2>&1 && ok || bad "register qpdf --check"
pdfa "$tmp/reg.pdf"
$bin find --archive "$A" --register >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "--register without -o: exit 2"
# Issue 13.7: the 研修项目 column is the programme's title, not the profile id;
# a find without a match says so on stderr.
grep -q '"XX县2016年农村中小学骨干教师跟岗研修"' "$tmp/reg.csv" && ! grep -q "lx-backbone-2016" "$tmp/reg.csv" && ok || bad "register 研修项目 is the programme title: $(sed -n 2p "$tmp/reg.csv")"
$bin find --archive "$A" --teacher 无此人 >"$tmp/out.txt" 2>"$tmp/err"
[ ! -s "$tmp/out.txt" ] && grep -q "未找到" "$tmp/err" && ok || bad "find without a match says 未找到 on stderr: $(cat "$tmp/err")"

echo "archive: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
