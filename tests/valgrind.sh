#!/bin/sh
# Every command on the shipped samples under valgrind: any memory error or
# definite leak fails. Ends "valgrind: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1474848000
vg() { valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
         --show-leak-kinds=definite "$@" >/dev/null 2>"$tmp/vg"; }
run() {  # run WHAT EXPECTED-EXIT CMD...
  what=$1; want=$2; shift 2
  vg "$@"; rc=$?
  [ $rc -eq "$want" ] && ok || bad "$what under valgrind: exit $rc, expected $want: $(head -c 600 "$tmp/vg")"
}
mkdir -p "$tmp/arch/trust"
make_pki "$tmp/pki" && ok || bad "certificates"
cp "$tmp/pki/ca.pem" "$tmp/arch/trust/"
printf '<archive xmlns="urn:dangan:1" prefix="黟教" county="黟县"><signer certificate="%s" key="%s"/></archive>\n' \
  "$tmp/pki/archive-cert.pem" "$tmp/pki/archive-key.pem" > "$tmp/arch/archive.xml"
cp -R samples/li-chunyan "$tmp/short"; sed -i '3,10d' "$tmp/short/observations.xml"
sed -i 's/LX2016-0007/LX2016-0008/' "$tmp/short/placement.xml" "$tmp/short/assessment.xml"
run "check" 0 $bin check samples/li-chunyan
# Every sample: mentoring, studies, lessons at another school, awards.
run "check every sample" 0 $bin check --json samples/*/
run "build (every new section)" 0 $bin build samples/zhao-zhigang -o "$tmp/z.pdf"
run "build (mentoring)" 0 $bin build samples/yang-fan -o "$tmp/y.pdf"
run "build (studies, figures)" 0 $bin build samples/zhang-lei -o "$tmp/s.pdf"
run "check --json (falls short)" 1 $bin check --json "$tmp/short"
run "profiles" 0 $bin profiles
run "init" 0 $bin init "$tmp/new" --profile yixian-2022
run "build --school" 0 $bin build samples/li-chunyan -o "$tmp/a.pdf" --school "$tmp/pki/SCHOOL.xml"
run "build --draft" 0 $bin build "$tmp/short" -o "$tmp/d.pdf" --draft
run "letter" 0 $bin letter samples/letter-xxsy-2016.xml -o "$tmp/l.pdf"
run "verify pdf" 0 $bin verify "$tmp/a.pdf" --ca "$tmp/pki/ca.pem"
run "bundle" 1 $bin bundle samples/li-chunyan "$tmp/short" --school "$tmp/pki/SCHOOL.xml" -o "$tmp/b" -j 1
run "verify bundle" 0 $bin verify "$tmp/b" --ca "$tmp/pki/ca.pem"
run "archive" 0 $bin archive "$tmp/b" --into "$tmp/arch"
run "find" 0 $bin find --archive "$tmp/arch" --teacher 李春燕 --json
run "register" 0 $bin find --archive "$tmp/arch" --register -o "$tmp/r.pdf"
run "audit" 0 $bin audit "$tmp/arch" --pdf "$tmp/audit.pdf"
run "export" 0 $bin archive --export 2016 --from "$tmp/arch" -o "$tmp/exp"
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
