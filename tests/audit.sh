#!/bin/sh
# `dangan audit` tests (issue 16): the periodic 长期保存 check of an
# archive. A clean archive passes and is left byte for byte as it was;
# each kind of damage — a flipped byte, a deleted dossier, a stray file,
# a corrupt index, a lost manifest, a gap in the numbers, a filing time
# its certificates do not cover — is reported naming the file, exit 1.
# Ends "audit: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1474848000
make_pki "$tmp/pki" && ok || bad "could not make test certificates"

# Three dossiers in two bundles, then version 2 of 黟教-2016-0001 (lib.sh).
A="$tmp/arch"
filed_archive "$A"
dir="2016/XX县红星乡中心小学"
[ -s "$A/$dir/黟教-2016-0001.v2.pdf" ] && [ -s "$A/$dir/黟教-2016-0003.pdf" ] && ok || bad "the archive: $(cd "$A" && find . -name '*.pdf')"

# Clean: exit 0, a summary, nothing on stderr when it is not a terminal,
# and nothing changed (index opened read-only, shared lock only).
before=$(tree_hash "$A")
$bin audit "$A" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 0 ] && ok || bad "clean archive: exit $rc: $(cat "$tmp/out" "$tmp/err")"
grep -q "4 份档案" "$tmp/out" && grep -q "未发现问题" "$tmp/out" && ok || bad "clean summary: $(cat "$tmp/out")"
[ ! -s "$tmp/err" ] && ok || bad "no progress line when stderr is not a terminal: $(cat "$tmp/err")"
[ "$(tree_hash "$A")" = "$before" ] && ok || bad "audit changed the archive: $(cd "$A" && ls -a)"
$bin audit "$A" --json >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && [ "$(wc -l < "$tmp/out")" -eq 1 ] &&
  [ "$(jq -r '[.summary, .dossiers, .problems, .ok] | @tsv' "$tmp/out")" = "$(printf 'true\t4\t0\ttrue')" ] \
  && ok || bad "clean --json: exit $rc: $(cat "$tmp/out")"
$bin audit "$A" --lang en >"$tmp/out" 2>&1 && grep -q "4 dossiers" "$tmp/out" && grep -q "no problem found" "$tmp/out" \
  && ok || bad "--lang en: $(cat "$tmp/out")"
[ "$(tree_hash "$A")" = "$before" ] && ok || bad "audit --json/--lang changed the archive"

# Usage: exit 2.
$bin audit >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "audit without ARCHIVE: exit 2"
$bin audit "$A" --bogus >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "audit with an unknown option: exit 2"
$bin audit "$tmp/pki" >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "audit of a folder that is no archive: exit 2"

# damaged NAME: a fresh copy of the clean archive in $D to damage.
damaged() { D="$tmp/d-$1"; rm -rf "$D"; cp -a "$A" "$D"; }
# reported NAME KIND TEXT: audit exits 1, its text names TEXT, and its
# JSON has a problem of KIND whose file is TEXT.
reported() {
  $bin audit "$D" >"$tmp/out" 2>&1; rc=$?
  [ $rc -eq 1 ] && grep -qF "$3" "$tmp/out" && ok || bad "$1: exit $rc, expected 1 naming $3: $(cat "$tmp/out")"
  $bin audit "$D" --json >"$tmp/json" 2>&1
  jq -s -e --arg k "$2" --arg f "$3" 'any(.[]; .kind == $k and .file == $f)' "$tmp/json" >/dev/null 2>&1 &&
    [ "$(tail -n 1 "$tmp/json" | jq -r .ok)" = false ] && ok || bad "$1: no $2 problem for $3 in the JSON: $(cat "$tmp/json")"
}

damaged flip
python3 -c "
import sys; p = sys.argv[1]; d = bytearray(open(p, 'rb').read()); d[len(d) // 3] ^= 1; open(p, 'wb').write(d)" "$D/$dir/黟教-2016-0002.pdf"
reported "a flipped byte" hash "$dir/黟教-2016-0002.pdf"
grep -F "$dir/黟教-2016-0002.pdf" "$tmp/json" | jq -s -e 'any(.[]; .kind == "signature")' >/dev/null && ok || bad "a flipped byte: the signature is reported too"
! grep -q "0001\|0003" "$tmp/out" && ok || bad "a flipped byte: only that dossier is reported: $(cat "$tmp/out")"

damaged flip-stamp   # a byte of the 归档章's revision: the school's part is intact, the archive's signature is not
python3 -c "
import sys; p = sys.argv[1]; d = bytearray(open(p, 'rb').read()); d[len(d) - 3000] ^= 1; open(p, 'wb').write(d)" "$D/$dir/黟教-2016-0003.pdf"
reported "a flipped byte in the 归档章" signature "$dir/黟教-2016-0003.pdf"

damaged missing
rm "$D/$dir/黟教-2016-0001.pdf"
reported "a deleted dossier (an earlier version)" missing "$dir/黟教-2016-0001.pdf"

damaged stray
echo "note" > "$D/$dir/notes.txt"
reported "a stray file" stray "$dir/notes.txt"
damaged stray-manifest
cp "$A/bundles/$(ls "$A/bundles" | head -n 1)" "$D/bundles/0000.xml"
reported "a manifest no row names" stray "bundles/0000.xml"

damaged manifest
m=$($bin find --archive "$A" --teacher 張曉明 --json | jq -r .manifest)
rm "$D/bundles/$m.xml"
reported "a kept manifest removed" manifest "bundles/$m.xml"
damaged manifest-sig
python3 -c "
import sys; p = sys.argv[1]; d = bytearray(open(p, 'rb').read()); d[len(d) // 2] ^= 1; open(p, 'wb').write(d)" "$D/bundles/$m.xml"
reported "a kept manifest changed" manifest "bundles/$m.xml"

damaged gap
sqlite3 "$D/index.sqlite" "DELETE FROM dossier WHERE number = '黟教-2016-0002'"
reported "a gap in the numbers" gap "黟教-2016-0002"
grep -qF "$dir/黟教-2016-0002.pdf" "$tmp/out" && ok || bad "a gap: the dossier left without a row is a stray file: $(cat "$tmp/out")"

damaged index
# One page of the index (the dossier table's) overwritten with garbage.
python3 -c "
import sys; p = sys.argv[1]; d = bytearray(open(p, 'rb').read()); n = 4096
d[n:2 * n] = bytes((i * 37 + 11) % 256 for i in range(n)); open(p, 'wb').write(d)" "$D/index.sqlite"
reported "a corrupt index" index "index.sqlite"

damaged time
# A filing time before the archive's certificate was issued (2010): the
# signatures are judged as of the filing, so this one does not verify.
sqlite3 "$D/index.sqlite" "UPDATE dossier SET filed_at = '2005-01-01T00:00:00Z' WHERE number = '黟教-2016-0003'"
reported "signatures judged at the filing time" signature "$dir/黟教-2016-0003.pdf"

damaged staging
mkdir -p "$D/.staging/1-1" && echo x > "$D/.staging/1-1/plan"
reported "an interrupted filing" staging ".staging"

# Each dossier's record (dossiers/ID.xml of its bundle) kept beside it:
# there, and hashing to its manifest's entry.
rec="$dir/黟教-2016-0002.xml"
[ -s "$A/$rec" ] && ok || bad "the record is kept: $(ls "$A/$dir")"
damaged record-missing
rm "$D/$rec"
reported "a deleted record" missing "$rec"
damaged record-flip
python3 -c "
import sys; p = sys.argv[1]; d = bytearray(open(p, 'rb').read()); d[len(d) // 2] ^= 1; open(p, 'wb').write(d)" "$D/$rec"
reported "a changed record" hash "$rec"
# An archive filed before records were kept (their rows name none) passes.
damaged record-old
sqlite3 "$D/index.sqlite" "UPDATE dossier SET record = NULL" && find "$D/$dir" -name '*.xml' -delete
$bin audit "$D" >"$tmp/out" 2>&1 && ok || bad "an archive without records: $(cat "$tmp/out")"

# The 检测报告 of each filing (issue 16): its XML under its detached
# signature, its signed PDF, and nothing else in reports/.
rep=$(sqlite3 "$A/index.sqlite" "SELECT filing FROM filing ORDER BY filing LIMIT 1")
[ -n "$rep" ] && [ -s "$A/reports/$rep.xml" ] && ok || bad "the archive has no 检测报告: $(ls "$A/reports")"
damaged report-xml
python3 -c "
import sys; p = sys.argv[1]; d = bytearray(open(p, 'rb').read()); d[len(d) // 2] ^= 1; open(p, 'wb').write(d)" "$D/reports/$rep.xml"
reported "a flipped byte in a report's XML" report "reports/$rep.xml"
damaged report-pdf
rm "$D/reports/$rep.pdf"
reported "a deleted report PDF" report "reports/$rep.pdf"
damaged report-pdf-flip
python3 -c "
import sys; p = sys.argv[1]; d = bytearray(open(p, 'rb').read()); d[len(d) // 3] ^= 1; open(p, 'wb').write(d)" "$D/reports/$rep.pdf"
reported "a flipped byte in a report's PDF" report "reports/$rep.pdf"
damaged report-stray
echo x > "$D/reports/x.txt"
reported "a stray file in reports/" stray "reports/x.txt"

# audit --pdf FILE: the audit as a signed PDF 检测报告, written outside the
# archive (which stays as it was); on a damaged archive it lists the problems.
before=$(tree_hash "$A")
$bin audit "$A" --pdf "$tmp/audit.pdf" >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && [ -s "$tmp/audit.pdf" ] && [ "$(tree_hash "$A")" = "$before" ] && ok || bad "audit --pdf: exit $rc: $(cat "$tmp/out")"
pdfa "$tmp/audit.pdf"   # PDF/A-1b rule by rule, as every PDF dangan writes
pdftotext -enc UTF-8 "$tmp/audit.pdf" - 2>/dev/null | tr -d ' ' > "$tmp/audit.txt"
grep -q "审计" "$tmp/audit.txt" && grep -q "结论：通过" "$tmp/audit.txt" && grep -q "未发现问题" "$tmp/audit.txt" \
  && ok || bad "audit PDF text (clean): $(head -20 "$tmp/audit.txt")"
$bin verify "$tmp/audit.pdf" --trust "$A/trust" >"$tmp/v" 2>&1 && ok || bad "the audit PDF verifies against the archive's trust: $(cat "$tmp/v")"
qpdf --check "$tmp/audit.pdf" >/dev/null 2>&1 && ok || bad "audit PDF: qpdf --check"
damaged pdf
rm "$D/$dir/黟教-2016-0001.pdf"; echo x > "$D/reports/x.txt"
$bin audit "$D" --pdf "$tmp/audit2.pdf" >"$tmp/out" 2>&1; rc=$?
pdftotext -enc UTF-8 "$tmp/audit2.pdf" - 2>/dev/null | tr -d ' \n' > "$tmp/audit2.txt"
[ $rc -eq 1 ] && grep -q "结论：不通过" "$tmp/audit2.txt" && grep -qF "黟教-2016-0001.pdf" "$tmp/audit2.txt" && grep -qF "reports/x.txt" "$tmp/audit2.txt" \
  && ok || bad "audit PDF of a damaged archive: exit $rc: $(cat "$tmp/audit2.txt")"
$bin verify "$tmp/audit2.pdf" --trust "$A/trust" >/dev/null 2>&1 && ok || bad "the damaged archive's audit PDF verifies"
$bin audit "$A" --pdf "$A/audit.pdf" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && [ ! -e "$A/audit.pdf" ] && ok || bad "audit --pdf into the archive itself: exit $rc (expected 2)"
$bin audit "$A" --pdf >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "--pdf without FILE: exit 2"

# A second reader (find) at the same time is no problem; the audit waits
# for a filing in progress (shared lock against the filing's exclusive).
damaged lock
python3 -c "
import fcntl, os, subprocess, sys, time
fd = os.open(sys.argv[1] + '/.lock', os.O_RDWR); fcntl.flock(fd, fcntl.LOCK_EX)
p = subprocess.Popen([sys.argv[2], 'audit', sys.argv[1]], stdout=subprocess.DEVNULL)
time.sleep(1.0); waiting = p.poll() is None
fcntl.flock(fd, fcntl.LOCK_UN); rc = p.wait()
sys.exit(0 if waiting and rc == 0 else 1)" "$D" "$bin" && ok || bad "audit waits for the filing lock"

echo "audit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
