#!/bin/sh
# CLI tests: exit codes of spec §4, the JSON line's exact shape, languages,
# `profiles` and `init`. Run from anywhere; ends "cli: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
expect_rc() {  # expect_rc WANT DESCRIPTION CMD...
  want=$1; what=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
  if [ "$rc" = "$want" ]; then ok; else bad "$what: exit $rc, expected $want; $(head -c 400 "$tmp/err")"; fi
}

# Exit codes.
expect_rc 2 "no command" $bin
expect_rc 2 "unknown command" $bin frobnicate
expect_rc 2 "check without folder" $bin check
expect_rc 2 "check missing folder" $bin check "$tmp/does-not-exist"
expect_rc 2 "unknown option" $bin check samples/li-chunyan --colour
expect_rc 2 "bad --lang" $bin check samples/li-chunyan --lang fr
expect_rc 0 "help" $bin --help
expect_rc 0 "reference sample passes" $bin check samples/li-chunyan
grep -q "结论：符合要求" "$tmp/out" && ok || bad "Chinese verdict line missing"
grep -q "✓ " "$tmp/out" && ! grep -q "✗ " "$tmp/out" && ok || bad "check-list should be all met"
grep -q "60 学时" "$tmp/out" && ok || bad "outcome and hours (60 学时) missing"
expect_rc 0 "English report" $bin check samples/li-chunyan --lang en
grep -q "meets the requirements" "$tmp/out" && ok || bad "English verdict missing"
expect_rc 1 "unknown --profile" $bin check samples/li-chunyan --profile no-such-program --json
[ "$(jq -r '.findings[0].code' "$tmp/out")" = "profile.unknown" ] && ok || bad "profile.unknown expected"
# One bad folder among good ones: still judged, worst status wins.
expect_rc 2 "missing folder among good" $bin check samples/li-chunyan "$tmp/nope"
grep -q "符合要求" "$tmp/out" && ok || bad "the good folder should still be reported"

# JSON: one object per submission, exactly the keys of spec §4.
$bin check --json samples/li-chunyan samples/li-chunyan >"$tmp/j" 2>&1
[ "$(wc -l < "$tmp/j")" -eq 2 ] && ok || bad "two folders should give two JSON lines"
keys=$(head -n 1 "$tmp/j" | jq -c 'keys_unsorted')
[ "$keys" = '["submission","profile","ok","counts","findings"]' ] && ok || bad "JSON keys: $keys"
head -n 1 "$tmp/j" | jq -e '.ok == true and .profile == "lx-backbone-2016" and .submission == "samples/li-chunyan"' >/dev/null && ok || bad "JSON values"
head -n 1 "$tmp/j" | jq -e '.counts.observation == 20 and .counts.lesson == 3 and .counts["lesson.report"] == 1 and .counts["reflection.teaching"] == 3 and .counts.day == 10' >/dev/null && ok || bad "JSON counts: $(head -n 1 "$tmp/j" | jq -c .counts)"
cp -R samples/li-chunyan "$tmp/short"
sed -i '3,10d' "$tmp/short/observations.xml"     # drop the first observation
$bin check --json "$tmp/short" >"$tmp/j2"; rc=$?
[ $rc -eq 1 ] && ok || bad "19 observations should exit 1 (got $rc)"
jq -e '.ok == false and .counts.observation == 19' "$tmp/j2" >/dev/null && ok || bad "ok=false, 19 observations"
fkeys=$(jq -c '.findings[0] | keys_unsorted' "$tmp/j2")
[ "$fkeys" = '["code","file","line","rule","message","severity"]' ] && ok || bad "finding keys: $fkeys"
jq -e '[.findings[] | select(.code == "count.short" and .rule == "observation>=20" and .file == "observations.xml" and .line == 0)] | length == 1' "$tmp/j2" >/dev/null && ok || bad "count.short observation>=20 at observations.xml:0"
jq -e '[.findings[] | select(.code == "rate.short")] | length == 1' "$tmp/j2" >/dev/null && ok || bad "rate.short for 2016-09-12"
jq -e 'all(.findings[]; .severity == "error" or .severity == "warning")' "$tmp/j2" >/dev/null && ok || bad "severity values"
$bin check --json --lang en "$tmp/short" | jq -e '.findings[0].message | test("[一-龥]") | not' >/dev/null && ok || bad "--lang en message is English"

# Per-week minima are prorated to each week's working days (2016-09-15—17
# is the Mid-Autumn holiday, 09-18 a make-up working day; 09-26 is a
# one-day week at the end): the check-list shows every week.
expect_rc 1 "yixian-2022 on the sample" $bin check samples/li-chunyan --profile yixian-2022
grep -q "09-12—09-18（4 个工作日，至少 4）：8；09-19—09-25（5 个工作日，至少 5）：10；09-26—09-26（1 个工作日，至少 1）：2" "$tmp/out" && ok || bad "per-week row: $(grep 每周听课 "$tmp/out")"
expect_rc 1 "yixian-2022 on the sample, English" $bin check samples/li-chunyan --profile yixian-2022 --lang en
grep -q "09-12–09-18 (4 working days, at least 4): 8; 09-19–09-25 (5 working days, at least 5): 10" "$tmp/out" && ok || bad "per-week row in English: $(grep observation "$tmp/out")"

# profiles
expect_rc 0 "profiles" $bin profiles
nprof=$(ls templates/profiles/*.xml | wc -l)
[ "$nprof" -ge 13 ] && [ "$(wc -l < "$tmp/out")" -eq "$nprof" ] && ok || bad "one line per profile file ($nprof) expected, got $(wc -l < "$tmp/out")"
for id in lx-backbone-2016 yixian-2022 tongyu-2012-trainee gangkou-rural-to-urban gangkou-urban-to-rural henan-2021-backbone puer-2024-helper; do
  grep -q "^$id " "$tmp/out" && ok || bad "profile $id missing"
done
expect_rc 0 "profiles --json" $bin profiles --json
jq -e -s "length == $nprof and all(.[]; .id and .title and .seed)" "$tmp/out" >/dev/null && ok || bad "profiles --json"

# init: a skeleton that passes the schema, and never overwrites.
for id in $(ls templates/profiles | sed 's/\.xml$//'); do
  expect_rc 0 "init $id" $bin init "$tmp/new-$id" --profile $id
  $bin check --json "$tmp/new-$id" >"$tmp/j3"
  jq -e '[.findings[] | select(.code | startswith("xml.") or startswith("schema.") or startswith("file.unknown") or . == "profile.unknown")] | length == 0' "$tmp/j3" >/dev/null \
    && ok || bad "init $id skeleton has file errors: $(jq -c '[.findings[] | .code]' "$tmp/j3")"
  jq -e ".profile == \"$id\"" "$tmp/j3" >/dev/null && ok || bad "init $id profile"
done
expect_rc 2 "init into a non-empty folder" $bin init "$tmp/new-yixian-2022" --profile yixian-2022
expect_rc 2 "init unknown profile" $bin init "$tmp/x" --profile nope
[ ! -e "$tmp/x" ] && ok || bad "init with unknown profile must create nothing"
expect_rc 2 "init without profile" $bin init "$tmp/y"

# SOURCE_DATE_EPOCH (issue 17): one reader for every command that dates
# its output. A value that is not a plain non-negative count of seconds
# (letters, a sign, trailing junk, overflow, past year 9999) is a usage
# error naming the variable, in Chinese or with --lang en in English,
# before anything is written; never silently "now".
make_pki "$tmp/sde-pki" >/dev/null 2>&1 && ok || bad "could not make test certificates"
tmp_pki="$tmp/sde-pki"
(pki=$tmp_pki; mkdir -p "$tmp/sde-arch/trust" && cp "$pki/ca.pem" "$tmp/sde-arch/trust/" &&
 printf '<archive xmlns="urn:dangan:1" prefix="黟教"><signer certificate="%s" key="%s"/></archive>\n' \
   "$pki/archive-cert.pem" "$pki/archive-key.pem" > "$tmp/sde-arch/archive.xml")
$bin find --archive "$tmp/sde-arch" --register -o "$tmp/sde-reg-ok.pdf" >/dev/null 2>&1 && ok || bad "register on an empty archive should work"
sde_cmd() {  # sde_cmd N: the N-th command that dates its output, writing $tmp/sde-out*
  case $1 in
    1) echo build samples/li-chunyan -o "$tmp/sde-out.pdf" ;;
    2) echo build samples/li-chunyan --draft -o "$tmp/sde-out.pdf" ;;
    3) echo letter samples/letter-xxsy-2016.xml -o "$tmp/sde-out.pdf" ;;
    4) echo bundle samples/li-chunyan --school "$tmp_pki/SCHOOL.xml" -o "$tmp/sde-out" ;;
    5) echo bundle --merge "$tmp/sde-part" --school "$tmp_pki/SCHOOL.xml" -o "$tmp/sde-out" ;;
    6) echo find --archive "$tmp/sde-arch" --register -o "$tmp/sde-out.pdf" ;;
  esac
}
SOURCE_DATE_EPOCH=1474848000 $bin bundle samples/li-chunyan --school "$tmp_pki/SCHOOL.xml" -o "$tmp/sde-part" >/dev/null 2>&1 && ok || bad "shard for the merge"
for n in 1 2 3 4 5 6; do   # each command works with a valid value (so the refusals below are for it)
  rm -rf "$tmp/sde-out" "$tmp/sde-out.pdf" "$tmp/sde-out.csv"
  SOURCE_DATE_EPOCH=1474848000 expect_rc 0 "valid SOURCE_DATE_EPOCH $(sde_cmd $n | cut -d' ' -f1-2)" $bin $(sde_cmd $n)
done
for v in abc -5 12x 99999999999999999999 253402300800 " 1"; do
  for n in 1 2 3 4 5 6; do
    rm -rf "$tmp/sde-out" "$tmp/sde-out.pdf" "$tmp/sde-out.csv"
    SOURCE_DATE_EPOCH="$v" expect_rc 2 "SOURCE_DATE_EPOCH='$v' $(sde_cmd $n | cut -d' ' -f1-2)" $bin $(sde_cmd $n)
    grep -q "SOURCE_DATE_EPOCH 须为" "$tmp/err" && ok || bad "SOURCE_DATE_EPOCH='$v' $(sde_cmd $n | cut -d' ' -f1): message $(cat "$tmp/err")"
    [ ! -e "$tmp/sde-out" ] && [ ! -e "$tmp/sde-out.pdf" ] && [ ! -e "$tmp/sde-out.csv" ] && ok || bad "SOURCE_DATE_EPOCH='$v' $(sde_cmd $n | cut -d' ' -f1): something was written"
  done
done
for n in 1 3 4 5 6; do
  SOURCE_DATE_EPOCH=abc expect_rc 2 "SOURCE_DATE_EPOCH=abc --lang en $(sde_cmd $n | cut -d' ' -f1)" $bin $(sde_cmd $n) --lang en
  grep -q "SOURCE_DATE_EPOCH must be" "$tmp/err" && [ -z "$(tr -d '\000-\177' < "$tmp/err")" ] && ok || bad "SOURCE_DATE_EPOCH=abc --lang en $(sde_cmd $n | cut -d' ' -f1): message $(cat "$tmp/err")"
done
# The largest valid value and 0 still build.
for v in 0 253402300799; do
  SOURCE_DATE_EPOCH=$v expect_rc 0 "SOURCE_DATE_EPOCH=$v build" $bin build samples/li-chunyan -o "$tmp/sde-ok.pdf"
done

# Commands of later stages refuse clearly instead of pretending.
expect_rc 2 "bundle not yet available" $bin bundle samples/li-chunyan -o "$tmp/bundle"
[ ! -e "$tmp/bundle" ] && ok || bad "nothing may be written"

# A profile title with "--" must not break the comment init writes it into.
mkdir -p "$tmp/home" && cp -R templates fonts "$tmp/home/"
sed -i 's|<title>\(.*\)</title>|<title>\1--测试--</title>|' "$tmp/home/templates/profiles/yixian-2022.xml"
DANGAN_HOME="$tmp/home" $bin init "$tmp/dash" --profile yixian-2022 >/dev/null 2>&1 && xmllint --noout "$tmp/dash/placement.xml" 2>/dev/null \
  && ok || bad "init with -- in the profile title wrote a broken placement.xml"

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
