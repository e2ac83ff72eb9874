#!/bin/sh
# Hostile inputs (issue 7): each gets a clear finding and exit 1 from
# `check`, within 2 s and 200 MB, and `build` writes no PDF for it.
# Ends "hostile: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
lim="python3 tests/tools/limits.py 2 200"
H='<?xml version="1.0" encoding="UTF-8"?>'

# hostile NAME CODE: the submission in $tmp/NAME must give CODE.
hostile() {
  name=$1; code=$2; d="$tmp/$name"
  out=$($lim $bin check --json "$d"); ok_limits=$?
  rc=${out%% *}
  [ $ok_limits -eq 0 ] && ok || bad "$name: over 2 s or 200 MB ($out)"
  [ "$rc" = 1 ] && ok || bad "$name: check exit $rc, expected 1"
  $bin check --json "$d" 2>/dev/null | jq -e "[.findings[] | select(.code == \"$code\")] | length > 0" >/dev/null \
    && ok || bad "$name: no $code finding: $($bin check --json "$d" 2>&1 | head -c 300)"
  $lim $bin build "$d" -o "$tmp/$name.pdf" >/dev/null
  [ ! -e "$tmp/$name.pdf" ] && ok || bad "$name: build wrote a PDF"
  $bin build "$d" -o "$tmp/$name-draft.pdf" --draft >/dev/null 2>&1
  case $code in xml.*|schema.*|file.*|glyph.*|ref.*) [ ! -e "$tmp/$name-draft.pdf" ] && ok || bad "$name: even a draft must not be typeset";; esac
}
base() { rm -rf "$tmp/$1"; cp -R samples/li-chunyan "$tmp/$1"; }
extra() {  # extra NAME BODY: a reflection file with BODY as its paragraph
  printf '%s\n<reflections xmlns="urn:dangan:1"><reflection date="2016-09-20" kind="summary"><title>t</title>%s</reflection></reflections>\n' "$H" "$2" > "$tmp/$1/extra.xml"
}

base xxe; printf '%s\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<reflections xmlns="urn:dangan:1"><reflection date="2016-09-20" kind="summary"><title>&x;</title><p>x</p></reflection></reflections>\n' "$H" > "$tmp/xxe/extra.xml"
hostile xxe xml.forbidden
$bin check "$tmp/xxe" 2>&1 | grep -q "root:" && bad "xxe: /etc/passwd was read" || ok
base bomb; { printf '%s\n<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">' "$H"; for i in b c d e f g h i j; do printf '<!ENTITY %s "&%s;&%s;&%s;&%s;&%s;&%s;&%s;&%s;&%s;&%s;">' $i $(printf '%s ' $(echo abcdefghij | cut -c$(( $(printf '%d' "'$i") - 97 ))) | sed 's/.*/& & & & & & & & & &/'); done; printf ']>\n<reflections xmlns="urn:dangan:1"><reflection date="2016-09-20" kind="summary"><title>&j;</title><p>x</p></reflection></reflections>\n'; } > "$tmp/bomb/extra.xml"
hostile bomb xml.forbidden
base deep; { printf '%s\n<reflections xmlns="urn:dangan:1"><reflection date="2016-09-20" kind="summary"><title>t</title>' "$H"; i=0; while [ $i -lt 100000 ]; do printf '<list><item>'; i=$((i+1)); done; printf '</reflection></reflections>\n'; } > "$tmp/deep/extra.xml"
hostile deep xml.malformed
base huge; { printf '%s\n<reflections xmlns="urn:dangan:1"><reflection date="2016-09-20" kind="summary"><title>t</title><p>' "$H"; head -c 209715200 /dev/zero | tr '\0' 'a'; printf '</p></reflection></reflections>\n'; } > "$tmp/huge/extra.xml"
hostile huge xml.malformed
base longpara; extra longpara "<p>$(head -c 5242880 /dev/zero | tr '\0' 'a')</p>"
hostile longpara xml.malformed
base badutf8; extra badutf8 "<p>$(printf '\303\050\377')</p>"
hostile badutf8 xml.malformed
base utf16; printf '%s' "$H" | iconv -f UTF-8 -t UTF-16 > "$tmp/utf16/extra.xml"
hostile utf16 xml.malformed
base gb18030; printf '<?xml version="1.0" encoding="GB18030"?>\n<reflections xmlns="urn:dangan:1"><reflection date="2016-09-20" kind="summary"><title>标题</title><p>中文</p></reflection></reflections>\n' | iconv -f UTF-8 -t GB18030 > "$tmp/gb18030/extra.xml"
hostile gb18030 xml.malformed
base gbnodecl; printf '%s\n<reflections xmlns="urn:dangan:1"><reflection date="2016-09-20" kind="summary"><title>标题</title><p>中文内容</p></reflection></reflections>\n' "$H" | iconv -f UTF-8 -t GB18030 > "$tmp/gbnodecl/extra.xml"
hostile gbnodecl xml.malformed
base control; extra control "<p>a$(printf '\001')b</p>"
hostile control xml.malformed
base pua; extra pua "<p>私用$(printf '\356\200\200')区</p>"
hostile pua glyph.missing
base unassigned; extra unassigned "<p>未分配$(printf '\360\257\277\277')字</p>"
hostile unassigned glyph.missing
base dotdot; extra dotdot '<figure src="../../../etc/passwd"/>'
hostile dotdot ref.missing
base absolute; extra absolute '<figure src="/etc/passwd"/>'
hostile absolute ref.missing
base symlink; ln -s /etc/passwd "$tmp/symlink/photo.png"; extra symlink '<figure src="photo.png"/>'
hostile symlink ref.missing
base bigimage; python3 -c "
import struct, zlib, sys
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
w = h = 60000
raw = zlib.compress(b'', 9)
open(sys.argv[1], 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + chunk(b'IDAT', raw) + chunk(b'IEND', b''))
" "$tmp/bigimage/huge.png"; extra bigimage '<figure src="huge.png"/>'
hostile bigimage ref.missing
base many; { printf '%s\n<observations xmlns="urn:dangan:1">\n' "$H"; i=0; while [ $i -lt 10000 ]; do printf '<observation date="2016-09-13" period="%d"><topic>t</topic><notes><p>n</p></notes><comment><p>c</p></comment></observation>\n' $((i % 12 + 1)); i=$((i+1)); done; printf '</observations>\n'; } > "$tmp/many/extra.xml"
hostile many date.clash

# 100,000 observations without a comment (issue 17): the comment check
# is one pass over the records, not one per observation lacking a comment.
# They share 36 slots, so the capped findings are clashes; the check list's
# comment row shows every observation read was judged.
base nocomment; { printf '%s\n<observations xmlns="urn:dangan:1">\n' "$H"; awk 'BEGIN { for (i = 0; i < 100000; i++)
  printf "<observation date=\"2016-09-%d\" period=\"%d\"><topic>t</topic><notes><p>n</p></notes></observation>\n", 12 + i % 3, i % 12 + 1 }';
  printf '</observations>\n'; } > "$tmp/nocomment/observations.xml"
hostile nocomment date.clash
$bin check "$tmp/nocomment" 2>/dev/null | grep -Eq '听课记录须有评课 +每条 +0/[0-9]{5}$' && ok || bad "nocomment: no comment row judging every observation"

# A UTF-8 byte-order mark is read, not refused (editors on Windows write one).
base bom; { printf '\357\273\277'; cat samples/li-chunyan/reflections.xml; } > "$tmp/bom/reflections.xml"
$bin check --json "$tmp/bom" > "$tmp/bom.json"; rc=$?
[ $rc -eq 0 ] && jq -e '.findings | length == 0' "$tmp/bom.json" >/dev/null && ok || bad "UTF-8 with BOM: exit $rc $(head -c 300 "$tmp/bom.json")"

# Killed mid-way, build and bundle leave no partial output: the target is
# either absent or whole; anything left is only under a temporary name.
python3 bench/gen.py "$tmp/big" 4 >/dev/null
export SOURCE_DATE_EPOCH=1474848000
for delay in 0.02 0.05 0.08 0.12; do
  rm -f "$tmp/k.pdf"
  timeout -s KILL $delay $bin build "$tmp/big" -o "$tmp/k.pdf" >/dev/null 2>&1
  if [ -e "$tmp/k.pdf" ]; then qpdf --check "$tmp/k.pdf" >/dev/null 2>&1 && ok || bad "build killed after ${delay}s left a partial PDF"
  else ok; fi
done
make_pki "$tmp/pki"
for delay in 0.05 0.15 0.3; do
  rm -rf "$tmp/kb"
  timeout -s KILL $delay $bin bundle "$tmp/big" samples/li-chunyan --school "$tmp/pki/SCHOOL.xml" -o "$tmp/kb" -j 1 >/dev/null 2>&1
  if [ -e "$tmp/kb" ]; then $bin verify "$tmp/kb" --ca "$tmp/pki/ca.pem" >/dev/null 2>&1 && ok || bad "bundle killed after ${delay}s left a partial bundle"
  else ok; fi
done
pkill -KILL -f "$tmp/kb" 2>/dev/null   # workers of a killed bundle

echo "hostile: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
