#!/bin/sh
# Attacks on trust (issue 12), each made here at test time (tests/tools/
# forge.py; keys by samples/pki.sh) and each refused: the published PDF
# signature attacks, untrusted and unfit certificates, laundering through
# a merge, swaps while filing, hostile plans and names, recovery races.
# A refusal is exit 1 with a message naming the problem (never 0, never a
# signal); a refused filing leaves the archive byte-identical.
# Ends "attacks: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1474848000
forge() { python3 tests/tools/forge.py "$@"; }
abin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")   # for runs in another folder
P="$tmp/pki"
make_pki "$P" && ok || bad "test certificates"
# The attacker's own PKI: a CA with the county CA's very name, a
# certificate with the school's name, and an impostor.
E="$tmp/evil"
pki_ca "$E" "XX县教育体育局 CA" && pki_cert "$E" school "XX县实验学校" && pki_cert "$E" forger "冒名者" && ok || bad "attacker certificates"
sed 's|school-cert.pem|'"$E"'/school-cert.pem|; s|school-key.pem|'"$E"'/school-key.pem|' samples/school-xxsy.xml > "$E/SCHOOL.xml"

cp -R samples/li-chunyan "$tmp/a"
sample_as "$tmp/b" LX2016-0009 王堃
$bin bundle "$tmp/a" "$tmp/b" --school "$P/SCHOOL.xml" -o "$tmp/G" >/dev/null 2>&1 && ok || bad "genuine bundle"
S="$tmp/G/dossiers/LX2016-0007.pdf"
A="$tmp/arch"; new_archive "$A"
$bin archive "$tmp/G" --into "$A" >/dev/null 2>&1 && ok || bad "genuine filing"
AR="$A/2016/XX县红星乡中心小学/黟教-2016-0001.pdf"

# (sh has no locals: the helpers' variables have names of their own)
accepted() {  # accepted WHAT FILE WANT VERIFY-ARGS...
  a_what=$1; a_file=$2; a_want=$3; shift 3
  $bin verify "$a_file" "$@" >"$tmp/v" 2>&1; rc=$?
  [ $rc -eq 0 ] && grep -q "$a_want" "$tmp/v" && ok || bad "$a_what: exit $rc, expected 0 and '$a_want': $(cat "$tmp/v")"
}
refused() {  # refused WHAT FILE WANT VERIFY-ARGS...
  r_what=$1; r_file=$2; r_want=$3; shift 3
  $bin verify "$r_file" "$@" >"$tmp/v" 2>&1; rc=$?
  [ $rc -eq 1 ] && grep -q -- "$r_want" "$tmp/v" && ok || bad "$r_what: exit $rc, expected 1 and '$r_want': $(cat "$tmp/v")"
}

# --- the genuine files, and no trust anchor ---
accepted "school-signed dossier" "$S" "签名者（按顺序）：XX县实验学校（跟岗研修档案核验" --ca "$P/ca.pem"
accepted "archived dossier: both signers" "$AR" "XX县实验学校（跟岗研修档案核验，2016-09-26）；XX县教育体育局档案室（加盖归档章" --trust "$A/trust"
accepted "bundle" "$tmp/G" "验证包完好，签名者：XX县实验学校" --ca "$P/ca.pem"
refused "dossier without a trust anchor" "$S" "签名者身份未经核实"
refused "bundle without a trust anchor" "$tmp/G" "签名者身份未经核实"
$bin verify "$S" --lang en >"$tmp/v" 2>&1; grep -q "identity is unverified" "$tmp/v" && ok || bad "--lang en: $(cat "$tmp/v")"

# --- the published attack classes, on the school's and the archive's file ---
for base in S AR; do
  eval f=\$$base
  for at in isa isa-marker shadow-hide shadow-replace shadow-hide-replace; do
    forge $at "$f" "$tmp/$at.pdf" || bad "forge $at"
    # The forgery is real: poppler renders it (with the forged content).
    pdftoppm -r 20 -f 1 -l 1 -png "$tmp/$at.pdf" "$tmp/r" 2>/dev/null && ok || bad "$base $at: poppler cannot render the forgery"
    refused "$base $at" "$tmp/$at.pdf" "签名之后有未签名的改动（从第 $(stat -c %s "$f") 字节起）" --ca "$P/ca.pem" --trust "$A/trust"
  done
  forge broken-xref "$f" "$tmp/x.pdf"; refused "$base broken xref" "$tmp/x.pdf" "不完好" --ca "$P/ca.pem"
  forge swa "$f" "$tmp/swa.pdf" || bad "forge swa"
  pdftoppm -r 20 -f 1 -l 1 -png "$tmp/swa.pdf" "$tmp/r" 2>/dev/null && ok || bad "$base swa: poppler cannot render the forgery"
  refused "$base signature wrapping" "$tmp/swa.pdf" "签名值（/Contents）被改动" --ca "$P/ca.pem" --trust "$A/trust"
  for v in contents-missing contents-empty contents-null range-null range-zero range-negative range-partial range-overflow range-huge range-three; do
    forge usf-$v "$f" "$tmp/usf.pdf" || bad "forge usf-$v"
    refused "$base universal signature forgery $v" "$tmp/usf.pdf" "不完好" --ca "$P/ca.pem" --trust "$A/trust"
  done
  forge padding-plus "$f" "$tmp/pad.pdf"; refused "$base /Contents padding 00 → +0" "$tmp/pad.pdf" "不完好" --ca "$P/ca.pem" --trust "$A/trust"
  # A second, valid signature by the attacker over a changed file.
  forge sign-forged "$f" "$tmp/second.pdf" "$E/forger-cert.pem" "$E/forger-key.pem" || bad "forge sign"
  n=$($bin verify "$f" --ca "$P/ca.pem" --trust "$A/trust" | grep -o "；" | wc -l)
  refused "$base second signature by an untrusted key" "$tmp/second.pdf" "第 $((n + 2)) 个签名（冒名者）：签名者证书不受信任" --ca "$P/ca.pem" --trust "$A/trust"
done
# The bureau's 归档章 cut off and replaced by one of the attacker's.
forge cut "$AR" "$tmp/cut.pdf" "$(stat -c %s "$S")"
accepted "archived dossier cut back to the school's revision is the school's alone" "$tmp/cut.pdf" "签名者（按顺序）：XX县实验学校（跟岗研修档案核验，2016-09-26）$" --trust "$A/trust"
forge sign-forged "$tmp/cut.pdf" "$tmp/recut.pdf" "$E/school-cert.pem" "$E/school-key.pem"
refused "归档章 replaced by the attacker's" "$tmp/recut.pdf" "签名者证书不受信任" --trust "$A/trust"
# A teacher name that is PDF syntax is text, not structure.
sample_as "$tmp/c" LX2016-0011 "李/ByteRange [0 1 2 3]"
$bin bundle "$tmp/c" --school "$P/SCHOOL.xml" -o "$tmp/GB" >/dev/null 2>&1 && ok || bad "bundle of a teacher named /ByteRange ["
accepted "a teacher named /ByteRange [" "$tmp/GB" "验证包完好" --ca "$P/ca.pem"
[ "$(pdfinfo "$tmp/GB/dossiers/LX2016-0011.pdf" | grep -c "ByteRange")" -ge 1 ] || grep -a -q "/ByteRange \[0 1 2 3\]" "$tmp/GB/dossiers/LX2016-0011.pdf" && ok || bad "the name should be in the file as text"

# --- certificates (the school's key signs; the verifier judges) ---
signed_by() {  # signed_by NAME CERT KEY: a dossier signed with that certificate
  sed 's|school-cert.pem|'"$2"'|; s|school-key.pem|'"$3"'|' samples/school-xxsy.xml > "$tmp/S-$1.xml"
  $bin build samples/li-chunyan -o "$tmp/c-$1.pdf" --school "$tmp/S-$1.xml" >/dev/null 2>&1 || bad "signing with $1"
}
openssl req -utf8 -x509 -newkey rsa:2048 -nodes -keyout "$tmp/self-key.pem" -out "$tmp/self-cert.pem" -days 3650 \
  -subj "/CN=XX县实验学校" -addext "keyUsage=digitalSignature" >/dev/null 2>&1
signed_by self "$tmp/self-cert.pem" "$tmp/self-key.pem"
refused "self-signed certificate" "$tmp/c-self.pdf" "签名者证书不受信任（未链接到信任库中的任何证书）" --ca "$P/ca.pem"
signed_by samename "$E/school-cert.pem" "$E/school-key.pem"
refused "certificate of an untrusted CA with the trusted CA's name" "$tmp/c-samename.pdf" "签名者证书不受信任" --ca "$P/ca.pem"
pki_cert "$P" expired "XX县实验学校" 20100101000000Z 20150101000000Z
signed_by expired "$P/expired-cert.pem" "$P/expired-key.pem"
refused "expired certificate" "$tmp/c-expired.pdf" "已过期" --ca "$P/ca.pem"
pki_cert "$P" future "XX县实验学校" 20300101000000Z 20350101000000Z
signed_by future "$P/future-cert.pem" "$P/future-key.pem"
refused "not yet valid certificate" "$tmp/c-future.pdf" "尚未生效" --ca "$P/ca.pem"
pki_cert "$P" nosign "XX县实验学校" "" "" nosign
signed_by nosign "$P/nosign-cert.pem" "$P/nosign-key.pem"
refused "certificate without digitalSignature" "$tmp/c-nosign.pdf" "不允许签名" --ca "$P/ca.pem"
pki_cert "$P" server "XX县实验学校" "" "" server
signed_by server "$P/server-cert.pem" "$P/server-key.pem"
refused "serverAuth-only certificate" "$tmp/c-server.pdf" "不是用于签署文件的" --ca "$P/ca.pem"
pki_cert "$P" revoked "XX县实验学校" && pki_revoke "$P" revoked
signed_by revoked "$P/revoked-cert.pem" "$P/revoked-key.pem"
mkdir -p "$tmp/trust-crl" && cp "$P/ca.pem" "$P/crl.pem" "$tmp/trust-crl/"
refused "revoked certificate, CRL in trust/" "$tmp/c-revoked.pdf" "已被吊销" --trust "$tmp/trust-crl"
accepted "a CRL that does not list the signer" "$S" "XX县实验学校" --trust "$tmp/trust-crl"
# An intermediate CA carried in the signature: the verifier trusts the root only.
I="$tmp/int"; pki_cert "$P" inter "XX县教育体育局 二级 CA" "" "" ca && mkdir -p "$I" && pki_conf "$I" &&
  cp "$P/inter-cert.pem" "$I/ca.pem" && cp "$P/inter-key.pem" "$I/ca-key.pem" && pki_cert "$I" school "XX县实验学校" &&
  cat "$I/school-cert.pem" "$I/ca.pem" > "$I/chain.pem" && ok || bad "intermediate CA"
signed_by chain "$I/chain.pem" "$I/school-key.pem"
accepted "intermediate chain carried in the CMS" "$tmp/c-chain.pdf" "XX县实验学校" --ca "$P/ca.pem"
signed_by nochain "$I/school-cert.pem" "$I/school-key.pem"
refused "intermediate not carried" "$tmp/c-nochain.pdf" "不受信任" --ca "$P/ca.pem"
openssl ecparam -name prime256v1 -out "$tmp/p256.pem" 2>/dev/null
PKI_KEY="ec:$tmp/p256.pem" pki_cert "$P" ec "XX县实验学校"
signed_by ec "$P/ec-cert.pem" "$P/ec-key.pem"
accepted "ECDSA P-256" "$tmp/c-ec.pdf" "XX县实验学校" --ca "$P/ca.pem"

# --- bundles ---
refused "bundle signed by the same-name untrusted CA" "$tmp/G" "manifest.p7s：签名者证书不受信任" --ca "$E/ca.pem"
bundle_case() {  # bundle_case WHAT WANT SHELL-COMMAND-IN-A-COPY
  rm -rf "$tmp/t"; cp -R "$tmp/G" "$tmp/t"; (cd "$tmp/t" && eval "$3")
  timeout 20 $bin verify "$tmp/t" --ca "$P/ca.pem" >"$tmp/v" 2>&1; rc=$?
  [ $rc -eq 1 ] && grep -q -- "$2" "$tmp/v" && ok || bad "$1: exit $rc, expected 1 and '$2': $(cat "$tmp/v")"
}
bundle_case "dotfile" ".hidden：清单之外的链接、特殊文件或隐藏文件" 'echo x > .hidden'
bundle_case "symlink" "dossiers/x.pdf：清单之外的链接" 'ln -s /etc/passwd dossiers/x.pdf'
bundle_case "FIFO (must not hang)" "dossiers/f：清单之外的链接" 'mkfifo dossiers/f'
bundle_case "listed file swapped for a symlink" "dossiers/LX2016-0007.pdf：文件缺失" 'ln -sf /etc/passwd dossiers/LX2016-0007.pdf'
# No existence oracle: under an untrusted signature a link to a file that
# exists and one to a file that does not get the same answer.
for target in /etc/passwd /no/such/file; do
  rm -rf "$tmp/t"; cp -R "$tmp/G" "$tmp/t"; ln -sf "$target" "$tmp/t/summary.csv"
  $bin verify "$tmp/t" --ca "$E/ca.pem" > "$tmp/o-$(basename "$target")" 2>&1
done
cmp -s "$tmp/o-passwd" "$tmp/o-file" && ! grep -q "summary.csv" "$tmp/o-passwd" && ok || bad "existence oracle: $(cat "$tmp/o-passwd" "$tmp/o-file")"

# merge launders nothing: a shard signed by anyone but this school is refused.
sample_as "$tmp/d" LX2016-0012 冒名者
$bin bundle "$tmp/a" --school "$P/SCHOOL.xml" -o "$tmp/part1" >/dev/null 2>&1
$bin bundle "$tmp/d" --school "$E/SCHOOL.xml" -o "$tmp/part2" >/dev/null 2>&1 && ok || bad "attacker's shard"
$bin bundle --merge "$tmp/part1" "$tmp/part2" --school "$P/SCHOOL.xml" -o "$tmp/merged" >"$tmp/m" 2>&1; rc=$?
[ $rc -ne 0 ] && [ ! -e "$tmp/merged" ] && grep -q "part2" "$tmp/m" && ok || bad "merge of an untrusted shard: exit $rc: $(cat "$tmp/m")"
$bin bundle --merge "$tmp/part1" --school "$P/SCHOOL.xml" -o "$tmp/merged" >/dev/null 2>&1 && ok || bad "merge of the school's own shard"

# --- archive ---
refuse_filing() {  # refuse_filing WHAT BUNDLE WANT
  R="$tmp/r"; rm -rf "$R"; new_archive "$R"; $bin archive --recover "$R" >/dev/null 2>&1
  before=$(tree_hash "$R")
  $bin archive "$2" --into "$R" >"$tmp/log" 2>&1; rc=$?
  [ $rc -eq 1 ] && grep -q -- "$3" "$tmp/log" && ok || bad "$1: exit $rc, expected 1 and '$3': $(cat "$tmp/log")"
  [ "$(tree_hash "$R")" = "$before" ] && ok || bad "$1: the archive changed"
}
# The signed record says 王五 where the signed PDF says 李春燕; the school
# (trusted) re-signed the manifest: still refused.
resigned() {  # resigned SED-EXPRESSION: $tmp/W, the genuine bundle with ID.xml edited and re-signed by the school
  rm -rf "$tmp/W"; cp -R "$tmp/G" "$tmp/W"
  sed -i "$1" "$tmp/W/dossiers/LX2016-0007.xml"
  python3 - "$tmp/W" <<'EOF'
import hashlib, os, re, sys
d = sys.argv[1]
m = open(os.path.join(d, "manifest.xml")).read()
def fix(mo):
    p = mo.group(1)
    data = open(os.path.join(d, p), "rb").read()
    return 'path="%s" size="%d" sha256="%s"' % (p, len(data), hashlib.sha256(data).hexdigest())
open(os.path.join(d, "manifest.xml"), "w").write(re.sub(r'path="([^"]+)" size="\d+" sha256="[0-9a-f]+"', fix, m))
EOF
  openssl cms -sign -binary -outform DER -md sha256 -in "$tmp/W/manifest.xml" -signer "$P/school-cert.pem" \
    -inkey "$P/school-key.pem" -out "$tmp/W/manifest.p7s" 2>/dev/null
}
resigned 's|name="李春燕"|name="王五"|'
accepted "re-signed bundle with a changed record" "$tmp/W" "验证包完好" --ca "$P/ca.pem"
refuse_filing "ID.xml naming another teacher than the signed PDF" "$tmp/W" "与签名的 PDF 不一致（教师姓名不同）"
resigned 's|score="88"|score="98"|'
refuse_filing "ID.xml with another score than the signed PDF" "$tmp/W" "与签名的 PDF 不一致（跟岗编号、研修时间、派出学校或考核结果不同）"
resigned 's|school="XX县实验学校"|school="YY县实验学校"|'
refuse_filing "ID.xml with another base school than the signed PDF" "$tmp/W" "与签名的 PDF 不一致（基地学校不同）"
refuse_filing "bundle by the same-name untrusted CA" "$tmp/part2" "签名者证书不受信任"
rm -rf "$tmp/t"; cp -R "$tmp/G" "$tmp/t"; ln -s /etc/passwd "$tmp/t/dossiers/p.pdf"
refuse_filing "bundle with a symlink" "$tmp/t" "清单之外的链接"
[ "$(stat -c %a "$A/.lock")" = 600 ] && ok || bad "the lock file must be 0600: $(stat -c %a "$A/.lock")"
# The refusals in English (--lang en): no Chinese of the program's own.
nocjk() { python3 -c "import re, sys; t = open(sys.argv[1], encoding='utf-8').read(); sys.exit(1 if re.search('[\u3000-\u9fff\uff00-\uffef]', t) else 0)" "$1"; }
forge isa "$S" "$tmp/isa-en.pdf"
$bin verify "$tmp/isa-en.pdf" --ca "$P/ca.pem" --lang en >"$tmp/v" 2>&1
grep -q "unsigned changes after the last signature" "$tmp/v" && nocjk "$tmp/v" && ok || bad "verify --lang en: $(cat "$tmp/v")"
R="$tmp/r-en"; new_archive "$R"
$bin archive "$tmp/t" --into "$R" --lang en >"$tmp/v" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -q "not in the manifest" "$tmp/v" && nocjk "$tmp/v" && ok || bad "archive --lang en: exit $rc: $(cat "$tmp/v")"

# Swapping the bundle's files while archive runs (30 tries): whatever
# wins the race, what gets filed is exactly what the school signed.
forge isa "$S" "$tmp/forged.pdf"
good=$(sha256sum "$S" | cut -d' ' -f1)
X="$tmp/race"; new_archive "$X"
i=0; lost=0
while [ $i -lt 30 ]; do
  i=$((i + 1))
  rm -rf "$tmp/sw"; cp -R "$tmp/G" "$tmp/sw"; cp "$S" "$tmp/good.pdf"
  ( j=0; while [ $j -lt 200 ]; do j=$((j + 1)); cp "$tmp/forged.pdf" "$tmp/sw/dossiers/x"; mv -f "$tmp/sw/dossiers/x" "$tmp/sw/dossiers/LX2016-0007.pdf";
      cp "$tmp/good.pdf" "$tmp/sw/dossiers/y"; mv -f "$tmp/sw/dossiers/y" "$tmp/sw/dossiers/LX2016-0007.pdf"; done ) &
  swp=$!
  $bin archive "$tmp/sw" --into "$X" >/dev/null 2>&1
  kill $swp 2>/dev/null; wait $swp 2>/dev/null; sleep 0.05
done
for f in $($bin find --archive "$X" --json | jq -r 'select(.placement_id == "LX2016-0007") | .path'); do
  f="$X/$f"
  size=$(stat -c %s "$S")
  [ "$(head -c "$size" "$f" | sha256sum | cut -d' ' -f1)" = "$good" ] || lost=$((lost + 1))
  $bin verify "$f" --trust "$X/trust" >/dev/null 2>&1 || lost=$((lost + 1))
done
[ $lost -eq 0 ] && ok || bad "swap race: $lost filed dossiers are not what the school signed"
[ "$($bin find --archive "$X" --json | jq -r .teacher | sort -u | tr '\n' ' ')" = "李春燕 王堃 " ] && ok || bad "swap race: index: $($bin find --archive "$X" --json)"

# Plan injection: a home school with a newline, a tab and 600 bytes.
long=$(python3 -c "print('XX县' + '红星' * 90)")
sample_as "$tmp/e" LX2016-0013 赵六
sed -i "s|<school>XX县红星乡中心小学</school>|<school>\&#10;../../$long\&#9;x</school>|" "$tmp/e/placement.xml"
$bin check "$tmp/e" >/dev/null 2>&1 && ok || bad "a long school name with a newline passes check: $($bin check "$tmp/e")"
$bin bundle "$tmp/e" --school "$P/SCHOOL.xml" -o "$tmp/GE" >/dev/null 2>&1 && ok || bad "bundle of the long name"
J="$tmp/inj"; new_archive "$J"; mkdir -p "$tmp/outside"; echo keep > "$tmp/outside/index.sqlite"
outside=$(tree_hash "$tmp/outside")
for step in 2 3; do
  (cd "$J" && DANGAN_ABORT_AT=$step $abin archive "$tmp/GE" --into . >/dev/null 2>&1) 2>/dev/null
  (cd "$J" && $abin archive --recover . >/dev/null 2>&1) && [ -s "$J/index.sqlite" ] && [ ! -e "$J/.staging" ] && ok || bad "plan injection: recovery after step $step"
done
(cd "$J" && $abin archive "$tmp/GE" --into . >"$tmp/log" 2>&1) && ok || bad "filing the long name: $(cat "$tmp/log")"
[ -s "$J/index.sqlite" ] && [ "$(tree_hash "$tmp/outside")" = "$outside" ] && ok || bad "plan injection touched something outside"
maxlen=$(cd "$J" && find . -name '*.pdf' | LC_ALL=C awk -F/ '{ for (i = 1; i <= NF; i++) if (length($i) > m) m = length($i) } END { print m }')
[ "$maxlen" -le 255 ] && ok || bad "a folder name of $maxlen bytes"
[ "$(cd "$J" && find . -path ./reports -prune -o -name '*.pdf' -print | wc -l)" -eq 1 ] && ok || bad "the long name was not filed once"
$bin find --archive "$J" --json | jq -e '.home_school | contains("红星红星")' >/dev/null && ok || bad "the full name stays in the index"

# find in a loop while 30 filings run: every filing completes, and find
# never recovers (it holds no lock), so index and files agree at the end.
F="$tmp/fl"; new_archive "$F"
k=0; while [ $k -lt 30 ]; do k=$((k + 1)); sample_as "$tmp/s$k" "LX2016-2$(printf %03d $k)"; done
( while :; do $bin find --archive "$F" --json >/dev/null 2>&1; done ) & fp=$!
k=0; failed=0
while [ $k -lt 30 ]; do
  k=$((k + 1))
  $bin bundle "$tmp/s$k" --school "$P/SCHOOL.xml" -o "$tmp/fb$k" >/dev/null 2>&1
  $bin archive "$tmp/fb$k" --into "$F" >/dev/null 2>&1 || failed=$((failed + 1))
done
kill $fp 2>/dev/null; wait $fp 2>/dev/null
[ $failed -eq 0 ] && ok || bad "find loop: $failed of 30 filings failed"
[ "$($bin find --archive "$F" --json | wc -l)" -eq 30 ] && [ "$(find "$F" -path "$F/reports" -prune -o -name '*.pdf' -print | wc -l)" -eq 30 ] \
  && [ "$(ls "$F/reports" | wc -l)" -eq 90 ] && [ ! -e "$F/.staging" ] \
  && ok || bad "find loop: index and files disagree"

echo "attacks: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
