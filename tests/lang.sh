#!/bin/sh
# Languages and help (issue 14 item 7): every command answers -h/--help
# with its full usage (Chinese; English with --lang en), exit 0; the
# top-level usage names every command and option; with --lang en nothing a
# command prints is Chinese except quoted user data (tests/tools/cjk_outside.py);
# I/O errors are explained in the user's language; build and letter say
# what they wrote. Ends "lang: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
data="templates/profiles templates/calendars"
english() {  # english WHAT OUTFILE DATA...: no CJK of the program's own in OUTFILE
  what=$1; out=$2; shift 2
  if python3 tests/tools/cjk_outside.py "$out" "$@" $data >"$tmp/cjk"; then ok; else bad "$what --lang en: $(head -n 3 "$tmp/cjk")"; fi
}

commands="check profiles init build letter bundle verify archive find audit"
$bin --help >"$tmp/top" 2>&1 && ok || bad "dangan --help should exit 0"
$bin --help --lang en >"$tmp/top-en" 2>&1 && ok || bad "dangan --help --lang en should exit 0"
english "dangan --help" "$tmp/top-en"
for c in $commands; do
  grep -q "dangan $c " "$tmp/top" && ok || bad "top-level usage lacks $c"
  for h in -h --help; do
    $bin $c $h >"$tmp/h" 2>"$tmp/e"; rc=$?
    [ $rc -eq 0 ] && ok || bad "$c $h: exit $rc $(head -c 200 "$tmp/e")"
    grep -q "^用法：dangan $c" "$tmp/h" && ok || bad "$c $h: no Chinese usage: $(head -n 2 "$tmp/h")"
  done
  $bin $c --help --lang en >"$tmp/h" 2>&1 && ok || bad "$c --help --lang en exit"
  grep -q "^usage: dangan $c" "$tmp/h" && ok || bad "$c --help --lang en: no English usage"
  english "$c --help" "$tmp/h"
  $bin --lang en $c --help >"$tmp/h2" 2>&1 && cmp -s "$tmp/h" "$tmp/h2" && ok || bad "dangan --lang en $c --help differs"
  # Every option the command's help names is in the top-level usage too.
  for opt in $(grep -o -- ' --*[a-z][a-z]*' "$tmp/h" | sort -u); do
    grep -q -- "$opt" "$tmp/top" && ok || bad "top-level usage lacks $c's $opt"
  done
  $bin $c --lang fr >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "$c --lang fr should exit 2"
done

# check, English, on the sample and on yixian-2022 (per-week rows, a
# failing check-list): nothing Chinese but the sample's own text.
$bin check samples/li-chunyan --lang en >"$tmp/o" 2>&1 && ok || bad "check --lang en sample"
english "check sample" "$tmp/o" samples/li-chunyan
$bin check samples/li-chunyan --profile yixian-2022 --lang en >"$tmp/o" 2>&1
english "check --profile yixian-2022" "$tmp/o" samples/li-chunyan
$bin check "$tmp/missing" --lang en >"$tmp/o" 2>&1; [ $? -eq 2 ] && ok || bad "check missing folder exit"
english "check missing folder" "$tmp/o" "$tmp/missing"
$bin check samples/li-chunyan --colour --lang en >"$tmp/o" 2>&1
english "check unknown option" "$tmp/o"

# profiles and init, English.
$bin profiles --lang en >"$tmp/o" 2>&1 && ok || bad "profiles --lang en"
english "profiles" "$tmp/o"
$bin init "$tmp/new" --profile yixian-2022 --lang en >"$tmp/o" 2>&1 && ok || bad "init --lang en"
english "init" "$tmp/o" "$tmp/new"
$bin init "$tmp/new" --profile yixian-2022 --lang en >"$tmp/o" 2>&1; [ $? -eq 2 ] && ok || bad "init into non-empty"
english "init into non-empty" "$tmp/o" "$tmp/new"
$bin check "$tmp/new" --lang en >"$tmp/o" 2>&1
english "check of a fresh skeleton" "$tmp/o" "$tmp/new" templates/skeleton

# build and letter say what they wrote, in both languages.
export SOURCE_DATE_EPOCH=1474848000
$bin build samples/li-chunyan -o "$tmp/a.pdf" >"$tmp/o" 2>&1 && ok || bad "build sample"
grep -q "已生成.*$tmp/a.pdf" "$tmp/o" && ok || bad "build should say what it wrote: $(cat "$tmp/o")"
$bin build samples/li-chunyan -o "$tmp/b.pdf" --lang en >"$tmp/o" 2>&1 && ok || bad "build sample --lang en"
grep -q "wrote $tmp/b.pdf" "$tmp/o" && ok || bad "build --lang en should say what it wrote: $(cat "$tmp/o")"
english "build" "$tmp/o" samples/li-chunyan "$tmp/b.pdf"
cmp -s "$tmp/a.pdf" "$tmp/b.pdf" && ok || bad "--lang must not change the dossier"
$bin letter samples/letter-xxsy-2016.xml -o "$tmp/l.pdf" --lang en >"$tmp/o" 2>&1 && ok || bad "letter --lang en"
grep -q "wrote $tmp/l.pdf" "$tmp/o" && ok || bad "letter should say what it wrote: $(cat "$tmp/o")"
english "letter" "$tmp/o" samples/letter-xxsy-2016.xml "$tmp/l.pdf"
cp -R samples/li-chunyan "$tmp/short"
sed -i '3,10d' "$tmp/short/observations.xml"
$bin build "$tmp/short" -o "$tmp/c.pdf" --lang en >"$tmp/o" 2>&1; [ $? -eq 1 ] && ok || bad "refused build exit"
english "refused build" "$tmp/o" "$tmp/short" "$tmp/c.pdf"

# I/O errors: errno in the user's language.
$bin build samples/li-chunyan -o /nonexistent/x.pdf >"$tmp/o" 2>&1; [ $? -eq 2 ] && ok || bad "unwritable -o exit"
grep -q "文件或文件夹不存在" "$tmp/o" && ! grep -q "No such file" "$tmp/o" && ok || bad "Chinese errno: $(cat "$tmp/o")"
$bin build samples/li-chunyan -o /nonexistent/x.pdf --lang en >"$tmp/o" 2>&1
grep -q "No such file or directory" "$tmp/o" && ok || bad "English errno: $(cat "$tmp/o")"
english "unwritable -o" "$tmp/o" samples/li-chunyan

# Nothing judged, nothing granted: no "认定 0 学时" after a file error.
cp -R samples/li-chunyan "$tmp/broken" && printf '<reflections' > "$tmp/broken/extra.xml"
$bin check "$tmp/broken" >"$tmp/o" 2>&1
! grep -q "学时" "$tmp/o" && ok || bad "a broken file should grant no 学时: $(tail -n 2 "$tmp/o")"
$bin check "$tmp/broken" --lang en >"$tmp/o" 2>&1
english "check of a broken file" "$tmp/o" "$tmp/broken"

# Usage slips of bundle, archive, find and serve in English: exit 2,
# and nothing Chinese of the program's own.
slip() {  # slip WHAT ARGS...: exits 2 under --lang en, English only
  what=$1; shift
  $bin "$@" --lang en >"$tmp/slip" 2>&1; rc=$?
  [ $rc -eq 2 ] && ok || bad "$what: exit $rc, expected 2"
  [ -s "$tmp/slip" ] && ok || bad "$what: no message"
  english "$what" "$tmp/slip"
}
slip "bundle -j 0" bundle samples/li-chunyan --school samples/school-xxsy.xml -o "$tmp/nb" -j 0
slip "bundle --shard 3/2" bundle samples/li-chunyan --school samples/school-xxsy.xml -o "$tmp/nb" --shard 3/2
slip "bundle --bogus" bundle samples/li-chunyan --bogus
slip "bundle --merge --shard" bundle --merge "$tmp/p" --shard 1/2 --school samples/school-xxsy.xml -o "$tmp/nb"
slip "bundle alone" bundle
slip "archive alone" archive
slip "archive --bogus" archive --bogus
slip "find --year 12" find --archive "$tmp" --year 12
slip "find alone" find
slip "find --register without -o" find --archive "$tmp" --register
echo "lang: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
