#!/bin/sh
# Build tests: the dossier PDF of spec §5, looked at through poppler and
# qpdf as a reader, an archive and a printer would. Ends "build: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
chk="python3 tests/tools/pdfcheck.py"
sub() { counted $chk "$@"; }   # a pdfcheck.py sub-check

export SOURCE_DATE_EPOCH=1474848000    # 2016-09-26
header="XX县2016年农村中小学骨干教师跟岗研修　李春燕"

# The reference sample builds, twice to identical bytes.
$bin build samples/li-chunyan -o "$tmp/a.pdf" 2>"$tmp/err" && ok || bad "build failed: $(cat "$tmp/err")"
$bin build samples/li-chunyan -o "$tmp/b.pdf" 2>/dev/null
cmp -s "$tmp/a.pdf" "$tmp/b.pdf" && ok || bad "same input and SOURCE_DATE_EPOCH gave different bytes"
[ -z "$(ls "$tmp" | grep -v '^[ab].pdf$' | grep -v err)" ] && ok || bad "temporary files left: $(ls "$tmp")"
qpdf --check "$tmp/a.pdf" >"$tmp/qpdf" 2>&1 && ok || bad "qpdf --check: $(tail -n 3 "$tmp/qpdf")"
pdfinfo "$tmp/a.pdf" >"$tmp/info" 2>&1
grep -q "^Pages: *[0-9]" "$tmp/info" && ok || bad "pdfinfo: $(cat "$tmp/info")"
grep -q "^Title: *李春燕 跟岗研修档案" "$tmp/info" && ok || bad "Chinese title missing: $(grep Title "$tmp/info")"
grep -q "^Page size: *595.2. x 841.8. pts (A4)" "$tmp/info" && ok || bad "not A4: $(grep 'Page size' "$tmp/info")"
sub fonts "$tmp/a.pdf"
sub text "$tmp/a.pdf" samples/li-chunyan "$header"
sub breaks "$tmp/a.pdf"
sub flush "$tmp/a.pdf"
pdftotext -layout -enc UTF-8 "$tmp/a.pdf" - | sed -e 's/ //g' -e 's/　//g' > "$tmp/a.txt"
for h in "目录" "跟岗研修登记表" "研修任务核对表" "研修日志" "听课记录" "教案" "反思与研修成果" "鉴定意见" "—3—"; do
  grep -q "$h" "$tmp/a.txt" && ok || bad "section '$h' missing"
done
grep -q "草稿" "$tmp/a.txt" && bad "final dossier carries a draft watermark" || ok
pdfinfo -meta "$tmp/a.pdf" 2>/dev/null | grep -q "pdfaid:part" && ok || bad "no PDF/A identification in XMP"
# Size is deterministic: the reference dossier stays within issue 3's
# 230 KiB (it was 267 KiB while comments and notes were set in Kai, a
# third font embedded for them alone).
size=$(stat -c %s "$tmp/a.pdf")
[ "$size" -le $((230 * 1024)) ] && ok || bad "reference dossier is $size bytes, over 230 KiB"

# Bookmarks: one per chapter, in order, with Chinese titles.
qpdf --json --json-key=outlines "$tmp/a.pdf" > "$tmp/outlines.json" 2>/dev/null
python3 - "$tmp/outlines.json" <<'PY' && ok || bad "bookmarks wrong: $(head -c 300 "$tmp/outlines.json")"
import json, sys
o = json.load(open(sys.argv[1]))["outlines"]
titles = [x["title"] for x in o]
want = ["跟岗研修登记表", "研修任务核对表", "研修日志", "听课记录", "教案", "反思与研修成果", "鉴定意见"]
assert [t for t in titles if t in want] == want, titles
obs = [x for x in o if x["title"] == "听课记录"][0]
assert len(obs["kids"]) == 20, len(obs["kids"])          # one per observation
PY

# Metadata with characters XML must escape stays well-formed XMP.
cp -R samples/li-chunyan "$tmp/meta"
sed -i 's|<school>XX县实验学校</school>|<school>XX县实验学校 \&amp; 附属"小学"\&lt;一部\&gt;</school>|' "$tmp/meta/placement.xml"
$bin build "$tmp/meta" -o "$tmp/meta.pdf" 2>"$tmp/err" && ok || bad "meta build failed: $(cat "$tmp/err")"
pdfinfo -meta "$tmp/meta.pdf" > "$tmp/xmp.xml" 2>/dev/null
python3 - "$tmp/xmp.xml" <<'PY' && ok || bad "XMP not well-formed or value lost: $(head -c 400 "$tmp/xmp.xml")"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
text = "".join(root.itertext())
assert 'XX县实验学校 & 附属"小学"<一部>' in text, text
PY
pdfinfo "$tmp/meta.pdf" | grep -q '^Author: *XX县实验学校 & 附属"小学"<一部>' && ok || bad "Info /Author differs from XMP"

# Figures: a PNG and a JPEG referenced from a reflection are drawn.
cp -R samples/li-chunyan "$tmp/fig"
mkdir -p "$tmp/fig/photos"
python3 - "$tmp/fig/photos/board.png" <<'PY'
import struct, sys, zlib
w, h = 120, 80
raw = b"".join(b"\0" + bytes(v for x in range(w) for v in (x * 2 % 256, y * 3 % 256, 128)) for y in range(h))
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY
pdftoppm -jpeg -r 20 -f 1 -l 1 "$tmp/a.pdf" "$tmp/fig/photos/cover" && mv "$tmp/fig/photos/cover"*.jpg "$tmp/fig/photos/cover.jpg"
cat > "$tmp/fig/figures.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<reflections xmlns="urn:dangan:1">
  <reflection date="2016-09-20" kind="summary">
    <title>板书与封面</title>
    <p>附板书照片一张。</p>
    <figure src="photos/board.png"><caption>图1　板书</caption></figure>
    <figure src="photos/cover.jpg"><caption>图2　封面</caption></figure>
  </reflection>
</reflections>
XML
$bin build "$tmp/fig" -o "$tmp/fig.pdf" 2>"$tmp/err" && ok || bad "figure build failed: $(cat "$tmp/err")"
pdfimages -list "$tmp/fig.pdf" 2>/dev/null | awk 'NR > 2 {print $4, $5}' | sort > "$tmp/imgs"
[ "$(wc -l < "$tmp/imgs")" -eq 2 ] && ok || bad "expected 2 images: $(cat "$tmp/imgs")"
grep -q "^120 80$" "$tmp/imgs" && ok || bad "PNG 120x80 not embedded: $(cat "$tmp/imgs")"
pdftotext -layout -enc UTF-8 "$tmp/fig.pdf" - | sed -e 's/ //g' -e 's/　//g' | grep -q "图2封面" && ok || bad "figure caption missing"
qpdf --check "$tmp/fig.pdf" >/dev/null 2>&1 && ok || bad "qpdf --check on figures"

# The covering letter by GB/T 9704-2012: 22 lines of 28 characters, page
# numbers one character in from the outer edge.
python3 - "$tmp/letter.xml" <<'PY'
import sys
body = "".join("<p>%s</p>" % ("跟岗教师认真完成了听课、上课和教研等各项任务，指导教师悉心指导，" * (3 + i % 4) + "特此说明。") for i in range(14))
open(sys.argv[1], "w").write('<?xml version="1.0" encoding="UTF-8"?><letter xmlns="urn:dangan:1"><title>关于报送跟岗研修档案的函</title><to>XX县教育体育局：</to>%s<from>XX县实验学校</from><date>2016-09-30</date></letter>' % body)
PY
$bin letter "$tmp/letter.xml" -o "$tmp/letter.pdf" 2>"$tmp/err" && ok || bad "letter failed: $(cat "$tmp/err")"
sub letter "$tmp/letter.pdf"
$bin letter samples/letter-xxsy-2016.xml -o "$tmp/letter2.pdf" && ok || bad "sample letter failed"
pdftotext -enc UTF-8 "$tmp/letter2.pdf" - | grep -q "特此函告。" && ok || bad "sample letter text"
# The letter's document information and XMP come from the letter: the
# sender as author (dc:creator), the addressee and date as keywords.
pdfinfo "$tmp/letter2.pdf" > "$tmp/linfo"
grep -q "^Author: *XX县实验学校$" "$tmp/linfo" && ok || bad "letter /Author: $(grep Author "$tmp/linfo")"
grep -q "^Keywords: *XX县教育体育局; 2016-09-30$" "$tmp/linfo" && ok || bad "letter /Keywords: $(grep Keywords "$tmp/linfo")"
pdfinfo -meta "$tmp/letter2.pdf" | tr -d '\n' | grep -q "<dc:creator><rdf:Seq><rdf:li>XX县实验学校</rdf:li>" && ok || bad "letter XMP dc:creator"
printf '<letter xmlns="urn:dangan:1"><title>t</title></letter>' > "$tmp/badletter.xml"
$bin letter "$tmp/badletter.xml" -o "$tmp/bad.pdf" >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ] && [ ! -e "$tmp/bad.pdf" ] && ok || bad "invalid letter: exit $rc or a PDF written"

# The school's stamp: seals, 骑缝章, per-page codes, QR code.
grep -v "<signer" samples/school-xxsy.xml > "$tmp/unsigned-school.xml"     # stamp without a key
$bin build samples/li-chunyan -o "$tmp/stamped.pdf" --school "$tmp/unsigned-school.xml" 2>"$tmp/err" && ok || bad "stamped build failed: $(cat "$tmp/err")"
sub stamp "$tmp/stamped.pdf" samples/li-chunyan LX2016-0007
sub text "$tmp/stamped.pdf" samples/li-chunyan "$header"
qpdf --check "$tmp/stamped.pdf" >/dev/null 2>&1 && ok || bad "qpdf --check on the stamped dossier"
# The seal is drawn once, as one form XObject that the cover, the
# assessment page and every page's 骑缝章 strip place (issue 16: stamping
# had doubled the dossier, the whole seal drawn again on every page).
a=$(stat -c %s "$tmp/a.pdf"); s=$(stat -c %s "$tmp/stamped.pdf")
[ "$s" -le $((a + 25 * 1024)) ] && ok || bad "stamped dossier is $s bytes, unstamped $a: over 25 KiB more"
python3 - "$tmp/stamped.pdf" <<'PY' && ok || bad "the seal should be one form XObject used on every page"
import json, subprocess, sys
j = json.loads(subprocess.run(["qpdf", "--json", "--json-key=qpdf", "--json-key=pages", sys.argv[1]],
                              capture_output=True, check=True).stdout)
objs = j["qpdf"][1]
forms = [k for k, o in objs.items() if o.get("stream", {}).get("dict", {}).get("/Subtype") == "/Form"]
assert len(forms) == 1, forms
for p in j["pages"]:
    res = objs["obj:" + p["object"]]["value"]["/Resources"]
    res = objs["obj:" + res]["value"] if isinstance(res, str) else res
    xo = res.get("/XObject", {})
    xo = objs["obj:" + xo]["value"] if isinstance(xo, str) else xo
    assert forms[0][4:] in xo.values(), (p["pageposfrom1"], xo)
PY
$bin build samples/li-chunyan -o "$tmp/x.pdf" --school "$tmp/unsigned-school.xml" --draft >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "--draft with --school must be refused"
printf '<school xmlns="urn:dangan:1" code="X"><name>校</name></school>' > "$tmp/bad-school.xml"
$bin build samples/li-chunyan -o "$tmp/y.pdf" --school "$tmp/bad-school.xml" >/dev/null 2>&1; rc=$?
[ $rc -ne 0 ] && [ ! -e "$tmp/y.pdf" ] && ok || bad "invalid SCHOOL.xml: exit $rc or a PDF written"
$bin build samples/li-chunyan -o "$tmp/z.pdf" --school samples/school-xxsy.xml >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && [ ! -e "$tmp/z.pdf" ] && ok || bad "a signer whose key files are missing: exit $rc, expected 2, no PDF"

# The PDF signature: a throw-away CA and school certificate made here (no
# private key is committed), then pdfsig and dangan verify on real output
# and on every kind of tampering.
make_pki "$tmp/pki" && ok || bad "could not make test certificates"
$bin build samples/li-chunyan -o "$tmp/signed.pdf" --school "$tmp/pki/SCHOOL.xml" 2>"$tmp/err" && ok || bad "signed build failed: $(cat "$tmp/err")"
pdfsig "$tmp/signed.pdf" > "$tmp/sig" 2>&1
grep -q "Signature is Valid" "$tmp/sig" && ok || bad "pdfsig: $(cat "$tmp/sig")"
grep -q "Total document signed" "$tmp/sig" && ok || bad "pdfsig: not total document signed"
grep -q "Common Name: XX县实验学校" "$tmp/sig" && ok || bad "pdfsig: signer name $(grep 'Common Name' "$tmp/sig")"
qpdf --check "$tmp/signed.pdf" >/dev/null 2>&1 && ok || bad "qpdf --check on the signed dossier"
sub stamp "$tmp/signed.pdf" samples/li-chunyan LX2016-0007
$bin verify "$tmp/signed.pdf" --ca "$tmp/pki/ca.pem" > "$tmp/v" 2>&1 && ok || bad "verify of an intact dossier: $(cat "$tmp/v")"
grep -q "签名者（按顺序）：XX县实验学校" "$tmp/v" && ok || bad "verify names the signer: $(cat "$tmp/v")"
size=$(stat -c %s "$tmp/signed.pdf")
tamper() {  # tamper NAME PYTHON-EXPRESSION-ON-d
  python3 -c "import sys; d = bytearray(open(sys.argv[1], 'rb').read()); $2; open(sys.argv[2], 'wb').write(d)" \
    "$tmp/signed.pdf" "$tmp/$1.pdf"
  $bin verify "$tmp/$1.pdf" --ca "$tmp/pki/ca.pem" >"$tmp/v" 2>&1; rc=$?
  [ $rc -eq 1 ] && ok || bad "verify of $1: exit $rc, expected 1: $(cat "$tmp/v")"
  grep -q "不完好" "$tmp/v" && ok || bad "verify of $1 should say what is wrong: $(cat "$tmp/v")"
}
tamper byte-in-text 'd[len(d) // 3] ^= 1'
tamper byte-in-header 'd[20] ^= 1'
tamper byte-in-signature 'i = d.rfind(b"/Contents <") + 12; d[i] = ord("F") if d[i] != ord("F") else ord("E")'
tamper byte-in-padding 'i = d.index(b">", d.rfind(b"/Contents <")) - 2; d[i] = ord("1")'
tamper appended 'd += b"%% more\n"'
tamper truncated 'del d[-100:]'
pdfsig "$tmp/byte-in-text.pdf" 2>&1 | grep -q "Signature is Valid" && bad "pdfsig accepts a changed byte" || ok
$bin verify "$tmp/a.pdf" --ca "$tmp/pki/ca.pem" >/dev/null 2>&1; [ $? -eq 1 ] && ok || bad "verify of an unsigned PDF should exit 1"
$bin verify "$tmp/no-such.pdf" >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "verify of a missing file should exit 2"
sed 's|school-key.pem|ca-key.pem|' "$tmp/pki/SCHOOL.xml" > "$tmp/pki/WRONG.xml"
$bin build samples/li-chunyan -o "$tmp/wrongkey.pdf" --school "$tmp/pki/WRONG.xml" >/dev/null 2>&1; rc=$?
[ $rc -ne 0 ] && [ ! -e "$tmp/wrongkey.pdf" ] && ok || bad "a key not matching the certificate must fail, no PDF: exit $rc"

# Rare characters in names and text: drawn, extracted, never blank.
cp -R samples/li-chunyan "$tmp/rare"
sed -i 's|<name>李春燕</name>|<name>王堃</name>|' "$tmp/rare/placement.xml"
sed -i '0,/<p>/s|<p>|<p>喆、陈㛃与𠮷祥同来听课。|' "$tmp/rare/observations.xml"
$bin build "$tmp/rare" -o "$tmp/rare.pdf" 2>"$tmp/err" && ok || bad "rare build failed: $(cat "$tmp/err")"
pdftotext -enc UTF-8 "$tmp/rare.pdf" "$tmp/rare.txt" 2>"$tmp/err"
[ ! -s "$tmp/err" ] && ok || bad "pdftotext warnings: $(head -c 300 "$tmp/err")"
for s in 王堃 喆、陈㛃与𠮷祥同来听课; do
  grep -q "$s" "$tmp/rare.txt" && ok || bad "'$s' not extracted"
done
sub ink "$tmp/rare.pdf" "堃喆㛃𠮷"

# A submission with errors is refused: exit 1, no file; --draft builds it.
cp -R samples/li-chunyan "$tmp/short"
sed -i '3,10d' "$tmp/short/observations.xml"
$bin build "$tmp/short" -o "$tmp/short.pdf" >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ] && ok || bad "failing submission: exit $rc, expected 1"
[ ! -e "$tmp/short.pdf" ] && ok || bad "failing submission wrote a PDF"
$bin build "$tmp/short" -o "$tmp/draft.pdf" --draft >/dev/null 2>&1 && ok || bad "--draft should build"
# The 草稿 watermark is drawn as outlines, under the text: a draft's text
# extracts exactly as the final dossier's, in reading order, and no 草稿
# comes into it; the watermark is there in the rendered pages.
$bin build samples/li-chunyan -o "$tmp/draft-ref.pdf" --draft 2>"$tmp/err" && ok || bad "draft of a passing sample: $(cat "$tmp/err")"
pdftotext -enc UTF-8 "$tmp/draft.pdf" - 2>/dev/null | grep -q "草稿" && bad "the draft watermark is extracted as text" || ok
pdftotext -enc UTF-8 "$tmp/a.pdf" "$tmp/final.txt"; pdftotext -enc UTF-8 "$tmp/draft-ref.pdf" "$tmp/draft.txt"
cmp -s "$tmp/final.txt" "$tmp/draft.txt" && ok || bad "a draft's text differs from the final dossier's: $(diff "$tmp/final.txt" "$tmp/draft.txt" | head -5)"
python3 - "$tmp/a.pdf" "$tmp/draft-ref.pdf" "$tmp" <<'PY' && ok || bad "no watermark drawn on the draft's pages"
import glob, subprocess, sys, tempfile
def gray(pdf):   # light-gray pixels in the middle of each page
    t = tempfile.mkdtemp(dir=sys.argv[3])   # inside the test's scratch folder, removed with it
    subprocess.run(["pdftoppm", "-r", "20", "-gray", pdf, t + "/p"], check=True)
    out = []
    for f in sorted(glob.glob(t + "/p-*.pgm")):
        parts = open(f, "rb").read().split(b"\n", 3)
        w, h = map(int, parts[1].split())
        px = parts[3]
        out.append(sum(190 <= px[y * w + x] <= 235 for y in range(h // 3, 2 * h // 3) for x in range(w // 4, 3 * w // 4)))
    return out
final, draft = gray(sys.argv[1]), gray(sys.argv[2])
assert len(final) == len(draft) and all(d > f + 100 for f, d in zip(final, draft)), (final, draft)
PY
# Broken files cannot be typeset even as a draft.
cp -R samples/li-chunyan "$tmp/broken"
printf '<oops' > "$tmp/broken/extra.xml"
$bin build "$tmp/broken" -o "$tmp/broken.pdf" --draft >/dev/null 2>&1; rc=$?
[ $rc -ne 0 ] && [ ! -e "$tmp/broken.pdf" ] && ok || bad "broken submission: exit $rc or a PDF was written"
# Unwritable output: exit 2, nothing left behind.
$bin build samples/li-chunyan -o "$tmp/no/such/dir/x.pdf" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && ok || bad "unwritable output: exit $rc, expected 2"
$bin build >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "build without arguments should exit 2"

# PDF/A-1b rule by rule (tests/tools/pdfa.py, the README's table) on every
# kind of PDF this script makes: dossier, with escaped metadata, with
# figures, stamped, drafts, letters, and the signed one (whose update
# gives its widget an appearance, a new second /ID, Info and XMP).
pdfa "$tmp/a.pdf" "$tmp/meta.pdf" "$tmp/fig.pdf" "$tmp/stamped.pdf" "$tmp/draft.pdf" "$tmp/draft-ref.pdf" "$tmp/letter.pdf" "$tmp/letter2.pdf"
pdfa "$tmp/signed.pdf"
python3 tests/tools/pdfa.py --rules | cut -f1 | while read -r c; do grep -q "^| $c | " README.md || echo "$c"; done > "$tmp/unlisted"
[ ! -s "$tmp/unlisted" ] && ok || bad "PDF/A clauses checked but not in the README's table: $(cat "$tmp/unlisted")"
# Each rule broken on purpose in a copy of a good PDF is caught.
mkdir -p "$tmp/wrong"
counted python3 tests/tools/pdfa_wrong.py "$tmp/fig.pdf" "$tmp/stamped.pdf" "$tmp/wrong"

# libharu through its functions only (issue 17): no source includes a
# libharu header but hpdf.h, only the PDF stage includes that, and only
# pdf_haru.c (which stops the build on a libharu it was not checked
# against) reads libharu's structures — a field, a *_Rec or a page's attr.
src=${DANGAN_SRC:-src}
own=$(grep -lE '#include *[<"]hpdf_' "$src"/*.c "$src"/*.h)
[ -z "$own" ] && ok || bad "libharu's inner headers included: $own"
own=$(grep -lE '#include *[<"]hpdf\.h' "$src"/*.c "$src"/*.h | grep -v "^$src/pdf_")
[ -z "$own" ] && ok || bad "libharu called outside the PDF stage: $own"
own=$(grep -nE -e '->(mmgr|xref|catalog|info|root_pages|cur_pages|cur_page|pdf_version|compression_mode|outlines|trailer)\b' \
  -e '->(stream|filter|filterParams|write_fn|before_write_fn|after_write_fn|free_fn|attr|contents|header|obj_id|value|list)\b' \
  -e 'HPDF_[A-Za-z_]*_Rec\b' -e '\bHPDF_[A-Z][a-z]*Attr\b' "$src"/pdf_*.c "$src"/pdf_*.h | grep -v "^$src/pdf_haru\.[ch]:")
[ -z "$own" ] && ok || bad "libharu's structures read outside pdf_haru.c: $own"
grep -q 'HPDF_MAJOR_VERSION != 2 || HPDF_MINOR_VERSION != 3' "$src/pdf_haru.c" && ok || bad "pdf_haru.c no longer pins the libharu it was checked against"

echo "build: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
