#!/bin/sh
# Batch tests (issue 6): -j N, --shard K/N and --merge. Three shards run
# separately and merged give the single run's dossiers byte for byte.
# Ends "batch: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1474848000
make_pki "$tmp/pki" && ok || bad "could not make test certificates"
S="$tmp/pki/SCHOOL.xml"

# Seven submissions (one falls short), named so that order matters.
names="李春燕 王堃 张晓明 陈㛃 赵一 钱二 孙三"
i=0
for n in $names; do
  i=$((i + 1)); mkdir -p "$tmp/s"
  sample_as "$tmp/s/t$i" "$(printf 'LX2016-%04d' $((100 + i)))" "$n"
done
sed -i '3,10d' "$tmp/s/t4/observations.xml"

$bin bundle "$tmp"/s/t* --school "$S" -o "$tmp/single" -j 2 >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] && ok || bad "single run: exit $rc, expected 1 (one refused)"
[ ! -s "$tmp/err" ] && ok || bad "no progress line when stderr is not a terminal: $(head -c 200 "$tmp/err")"
$bin bundle "$tmp"/s/t* --school "$S" -o "$tmp/one-job" -j 1 >/dev/null 2>&1
for k in 1 2 3; do
  # The shard is chosen from the same list, in any order given.
  $bin bundle $(ls -d "$tmp"/s/t* | sort -r) --school "$S" -o "$tmp/part$k" --shard "$k/3" >/dev/null 2>&1
  [ -d "$tmp/part$k" ] && ok || bad "shard $k/3 not written"
done
n1=$(ls "$tmp/part1/dossiers" "$tmp/part1/refused" | grep -c '\.pdf$\|\.txt$')
n2=$(ls "$tmp/part2/dossiers" "$tmp/part2/refused" | grep -c '\.pdf$\|\.txt$')
n3=$(ls "$tmp/part3/dossiers" "$tmp/part3/refused" | grep -c '\.pdf$\|\.txt$')
[ $((n1 + n2 + n3)) -eq 7 ] && [ $n1 -ge 2 ] && [ $n2 -ge 2 ] && [ $n3 -ge 2 ] && ok || bad "shards split 7 as $n1+$n2+$n3"
$bin bundle --merge "$tmp/part1" "$tmp/part2" "$tmp/part3" --school "$S" -o "$tmp/merged" >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ] && ok || bad "merge with a refusal: exit $rc, expected 1"
digest() { (cd "$1" && find dossiers refused -type f | LC_ALL=C sort | xargs sha256sum); }
[ "$(digest "$tmp/merged")" = "$(digest "$tmp/single")" ] && ok || bad "merged dossiers differ from the single run"
[ "$(digest "$tmp/one-job")" = "$(digest "$tmp/single")" ] && ok || bad "-j 1 and -j 2 give different dossiers"
cmp -s "$tmp/merged/summary.csv" "$tmp/single/summary.csv" && ok || bad "merged 汇总表 differs: $(diff "$tmp/merged/summary.csv" "$tmp/single/summary.csv" | head -5)"
$bin verify "$tmp/merged" --ca "$tmp/pki/ca.pem" >/dev/null 2>&1 && ok || bad "merged bundle does not verify"
openssl cms -verify -binary -inform DER -in "$tmp/merged/manifest.p7s" -content "$tmp/merged/manifest.xml" -CAfile "$tmp/pki/ca.pem" -out /dev/null >/dev/null 2>&1 \
  && ok || bad "openssl rejects the merged manifest"
$bin bundle --merge "$tmp/part1" "$tmp/part1" --school "$S" -o "$tmp/dup" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && [ ! -e "$tmp/dup" ] && ok || bad "merging one shard twice: exit $rc, expected 2, nothing written"
cp -R "$tmp/part2" "$tmp/bad"; printf x >> "$tmp/bad/summary.csv"
$bin bundle --merge "$tmp/part1" "$tmp/bad" --school "$S" -o "$tmp/bad-merge" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && [ ! -e "$tmp/bad-merge" ] && ok || bad "merging a tampered shard: exit $rc, nothing written"
$bin bundle "$tmp/s/t1" --school "$S" -o "$tmp/x" --shard 4/3 >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "--shard 4/3 is a usage error"

# Issue 13.5 across shards: two submissions with one id bundled on
# different machines are both refused by the merge, the rest merged.
mkdir -p "$tmp/d"
sample_as "$tmp/d/u1" LX2016-0201 甲老师
sample_as "$tmp/d/u2" LX2016-0201 乙老师
sample_as "$tmp/d/u3" LX2016-0203 丙老师
for k in 1 2; do $bin bundle "$tmp"/d/u* --school "$S" -o "$tmp/dpart$k" --shard "$k/2" >/dev/null 2>&1; done
$bin bundle --merge "$tmp/dpart1" "$tmp/dpart2" --school "$S" -o "$tmp/dmerged" >"$tmp/log" 2>&1; rc=$?
[ $rc -eq 1 ] && [ -s "$tmp/dmerged/dossiers/LX2016-0203.pdf" ] && [ ! -e "$tmp/dmerged/dossiers/LX2016-0201.pdf" ] && ok || bad "one id in two shards: exit $rc, expected 1, both refused, the rest merged: $(cat "$tmp/log")"
grep -q "LX2016-0201.*（u1、u2）" "$tmp/dmerged/refused/LX2016-0201.txt" 2>/dev/null && ok || bad "the merged refusal names the id and both folders: $(cat "$tmp/dmerged/refused/LX2016-0201.txt" 2>&1)"
grep -q "通过 1 份，退回 2 份" "$tmp/log" && $bin verify "$tmp/dmerged" --ca "$tmp/pki/ca.pem" >/dev/null 2>&1 && ok || bad "the merged bundle counts and verifies: $(cat "$tmp/log")"

echo "batch: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
