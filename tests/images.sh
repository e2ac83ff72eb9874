#!/bin/sh
# Figures as teachers take them (issues 13 and 14): every image is made here
# at test time — PNGs by hand (tests/tools/pngmake.py), JPEGs and HEICs with
# libjpeg and libheif (tests/tools/mkimage.c) — as a picture with a red band
# on top and a blue band down the left, so that a page rendered by pdftoppm
# shows whether it is upright (tests/tools/imgcheck.py). `check` must refuse
# exactly what `build` cannot embed, naming the file.
# Ends "images: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
mk=${DANGAN_MKIMAGE:-build/tools/mkimage}
export SOURCE_DATE_EPOCH=1474848000

# figsub DIR FILE...: the reference submission with one more reflection
# showing each FILE (copied into DIR/photos/) as a figure.
figsub() {
  d=$1; shift
  cp -R samples/li-chunyan "$d" && mkdir -p "$d/photos" || return 1
  figs=""
  for f in "$@"; do
    cp "$f" "$d/photos/" || { bad "figsub: no $f"; return 1; }
    figs="$figs<figure src=\"photos/$(basename "$f")\"><caption>图　$(basename "$f")</caption></figure>"
  done
  cat > "$d/figures.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<reflections xmlns="urn:dangan:1">
  <reflection date="2016-09-20" kind="summary"><title>照片</title><p>附照片。</p>$figs</reflection>
</reflections>
XML
}

# upright PDF: the PDF's first image, taken out by pdfimages, and the page
# it is on, rendered by pdftoppm, both show the picture upright.
upright() {
  pdf=$1; what=$2
  rm -f "$tmp/x"-*.ppm "$tmp/pg"-*.ppm
  pg=$(pdfimages -list "$pdf" 2>/dev/null | awk 'NR > 2 {print $1; exit}')
  [ -n "$pg" ] || { bad "$what: no image in the PDF"; return; }
  pdfimages -f "$pg" -l "$pg" "$pdf" "$tmp/x" 2>/dev/null
  out=$(python3 tests/tools/imgcheck.py "$(ls "$tmp/x"-*.ppm | head -n 1)") && ok || bad "$what: embedded image $out"
  pdftoppm -r 40 -f "$pg" -l "$pg" "$pdf" "$tmp/pg"
  out=$(python3 tests/tools/imgcheck.py "$(ls "$tmp/pg"-*.ppm | head -n 1)") && ok || bad "$what: rendered page $out"
}

# no_smask PDF: PDF/A-1 forbids transparency; no image may carry a soft mask.
no_smask() {
  n=$(pdfimages -list "$1" 2>/dev/null | awk 'NR > 2 && $3 == "smask"' | wc -l)
  qpdf --qdf --object-streams=disable "$1" "$tmp/qdf.pdf" 2>/dev/null
  [ "$n" -eq 0 ] && ! grep -aq "/SMask" "$tmp/qdf.pdf" && ok || bad "$2: the PDF has a soft mask"
}

# passes NAME FILE: check passes, build embeds it upright, flattened.
passes() {
  name=$1; d="$tmp/$name"
  figsub "$d" "$2"
  $bin check "$d" >"$tmp/out" 2>&1 && ok || bad "$name: check failed: $(grep -v '✓' "$tmp/out" | head -c 400)"
  $bin build "$d" -o "$tmp/$name.pdf" >/dev/null 2>"$tmp/err" && ok || bad "$name: build failed: $(cat "$tmp/err")"
  [ -s "$tmp/$name.pdf" ] || return
  [ "$(pdfimages -list "$tmp/$name.pdf" 2>/dev/null | awk 'NR > 2' | wc -l)" -eq 1 ] && ok || bad "$name: not one image in the PDF"
  no_smask "$tmp/$name.pdf" "$name"
  qpdf --check "$tmp/$name.pdf" >/dev/null 2>&1 && ok || bad "$name: qpdf --check"
}

# refused NAME FILE: check exits 1 with ref.missing naming the file; even
# --draft writes nothing.
refused() {
  name=$1; d="$tmp/$name"; base=$(basename "$2")
  figsub "$d" "$2"
  $bin check --json "$d" >"$tmp/out" 2>&1; rc=$?
  [ $rc -eq 1 ] && ok || bad "$name: check exit $rc, expected 1"
  jq -e --arg f "$base" '[.findings[] | select(.code == "ref.missing" and (.message | contains($f)))] | length == 1' \
    "$tmp/out" >/dev/null && ok || bad "$name: no ref.missing naming $base: $(head -c 400 "$tmp/out")"
  $bin build "$d" -o "$tmp/$name.pdf" --draft >/dev/null 2>&1; rc=$?
  [ $rc -eq 1 ] && [ ! -e "$tmp/$name.pdf" ] && ok || bad "$name: build --draft exit $rc (expected 1, no PDF)"
}

# 1. PNGs libharu could not read, or would have embedded with a soft mask.
for k in interlaced rgb16 rgba palette-trns gray16; do
  python3 tests/tools/pngmake.py "$tmp/$k.png" "$k" 160 120
  passes "png-$k" "$tmp/$k.png"
  [ "$k" = gray16 ] || upright "$tmp/png-$k.pdf" "png-$k"
done

# Damaged files: each refused by check, naming it.
python3 tests/tools/pngmake.py "$tmp/truncated.png" truncated 160 120
refused png-truncated "$tmp/truncated.png"
python3 tests/tools/pngmake.py "$tmp/badcrc.png" badcrc 160 120
refused png-badcrc "$tmp/badcrc.png"
python3 tests/tools/pngmake.py "$tmp/shortdata.png" shortdata 160 120
refused png-shortdata "$tmp/shortdata.png"
$mk jpeg "$tmp/whole.jpg" 400 300 noise
head -c $(($(wc -c < "$tmp/whole.jpg") / 2)) "$tmp/whole.jpg" > "$tmp/truncated.jpg"
refused jpeg-truncated "$tmp/truncated.jpg"
head -c 600 "$tmp/whole.jpg" > "$tmp/headonly.jpg"
refused jpeg-headonly "$tmp/headonly.jpg"
printf 'not an image at all' > "$tmp/text.png"
refused not-image "$tmp/text.png"

# 2. EXIF orientation, all eight values (odd ones big-endian, even ones
# little-endian): the photo is embedded and printed upright, at its
# upright size.
for o in 1 2 3 4 5 6 7 8; do
  $mk jpeg "$tmp/o$o.jpg" 240 160 orient $o
  passes "exif-$o" "$tmp/o$o.jpg"
  upright "$tmp/exif-$o.pdf" "EXIF orientation $o"
  pdfimages -list "$tmp/exif-$o.pdf" 2>/dev/null | awk 'NR > 2 {print $4 "x" $5}' | grep -qx 240x160 && ok ||
    bad "EXIF orientation $o: not embedded as 240x160: $(pdfimages -list "$tmp/exif-$o.pdf" 2>&1 | tail -n 1)"
done

# A hostile EXIF segment (IFD offset past the end, 65535 entries announced
# in 30 bytes, orientation of the wrong type or out of range) is read as
# "no orientation": the photo passes, as stored.
for v in offset count type range; do
  python3 - "$tmp/o1.jpg" "$tmp/hostile-$v.jpg" "$v" <<'PY'
import struct, sys
src, out, v = sys.argv[1], sys.argv[2], sys.argv[3]
tiff = {"offset": b"MM\0\x2a" + struct.pack(">I", 0xFFFFFFF0),
        "count": b"MM\0\x2a" + struct.pack(">IH", 8, 0xFFFF) + b"\x01\x12\0\x03\0\0\0\x01\0\x06",
        "type": b"II\x2a\0" + struct.pack("<IHHHII", 8, 1, 0x112, 4, 1, 6) + b"\0\0\0\0",
        "range": b"II\x2a\0" + struct.pack("<IHHHIHH", 8, 1, 0x112, 3, 1, 9, 0) + b"\0\0\0\0"}[v]
app1 = b"\xff\xe1" + struct.pack(">H", len(tiff) + 8) + b"Exif\0\0" + tiff
data = open(src, "rb").read()
open(out, "wb").write(data[:2] + app1 + data[2:])
PY
  passes "exif-hostile-$v" "$tmp/hostile-$v.jpg"
done

# 3. Scaled down to at most 300 dpi at the printed size and re-encoded: a
# phone photo as JPEG at 250 dpi, a large PNG (line art) losslessly at 300
# (neither shrunk further), the dossier far smaller than the photo.
ppi() {  # ppi PDF: "enc x-ppi y-ppi" of its first image
  pdfimages -list "$1" 2>/dev/null | awk 'NR > 2 {print $9, $13, $14; exit}'
}
$mk jpeg "$tmp/phone.jpg" 4032 3024 noise
passes phone "$tmp/phone.jpg"
set -- $(ppi "$tmp/phone.pdf")
[ "${1:-}" = jpeg ] && [ "${2:-999}" -le 250 ] && [ "${3:-999}" -le 250 ] && [ "${2:-0}" -ge 240 ] && ok ||
  bad "phone photo not re-encoded at 250 dpi: $(ppi "$tmp/phone.pdf")"
[ $(($(wc -c < "$tmp/phone.pdf") - $(wc -c < "$tmp/png-interlaced.pdf"))) -lt $(($(wc -c < "$tmp/phone.jpg") / 2)) ] && ok ||
  bad "the photo costs the dossier $(($(wc -c < "$tmp/phone.pdf") - $(wc -c < "$tmp/png-interlaced.pdf"))) bytes of its $(wc -c < "$tmp/phone.jpg")"
upright "$tmp/phone.pdf" "phone photo"
python3 tests/tools/pngmake.py "$tmp/lineart.png" rgb 3000 2000
passes lineart "$tmp/lineart.png"
set -- $(ppi "$tmp/lineart.pdf")
[ "${1:-}" = image ] && [ "${2:-999}" -le 300 ] && [ "${2:-0}" -ge 280 ] && ok ||
  bad "line-art PNG not kept lossless at <= 300 dpi: $(ppi "$tmp/lineart.pdf")"

# CMYK (Adobe, inverted, as Photoshop saves it) becomes RGB with its
# colours; grayscale stays gray; progressive JPEG is read.
$mk jpeg "$tmp/cmyk.jpg" 240 160 cmyk
passes cmyk "$tmp/cmyk.jpg"
pdfimages -list "$tmp/cmyk.pdf" 2>/dev/null | awk 'NR > 2 {print $6; exit}' | grep -qx rgb && ok || bad "CMYK JPEG not embedded as RGB"
upright "$tmp/cmyk.pdf" "CMYK JPEG"
$mk jpeg "$tmp/gray.jpg" 240 160 gray
passes gray "$tmp/gray.jpg"
pdfimages -list "$tmp/gray.pdf" 2>/dev/null | awk 'NR > 2 {print $6; exit}' | grep -qx gray && ok || bad "gray JPEG not embedded as gray"
$mk jpeg "$tmp/progressive.jpg" 240 160 progressive orient 6
passes progressive "$tmp/progressive.jpg"
upright "$tmp/progressive.pdf" "progressive JPEG"

# 200 megapixels accepted, in bounded memory (the figure is decoded at a
# DCT scale, never at full size); a pixel more is refused by check.
# (Memory is asserted on the plain build only: the sanitizers' own
# bookkeeping is most of a process's memory.)
$mk jpeg "$tmp/big.jpg" 16000 12500
figsub "$tmp/bigjpeg" "$tmp/big.jpg" && [ "$(wc -c < "$tmp/bigjpeg/photos/big.jpg")" -gt 0 ] && ok || bad "no 200 MP JPEG"
out=$(python3 tests/tools/limits.py 600 128 $bin check "$tmp/bigjpeg"); mem_ok=$?
[ "${out%% *}" = 0 ] && ok || bad "200 MP JPEG: check exit ${out%% *}"
[ "$bin" != build/dangan ] || [ $mem_ok -eq 0 ] && ok || bad "200 MP JPEG: check over 128 MiB (exit seconds MiB: $out)"
out=$(python3 tests/tools/limits.py 600 128 $bin build "$tmp/bigjpeg" -o "$tmp/bigjpeg.pdf"); mem_ok=$?
[ "${out%% *}" = 0 ] && [ -s "$tmp/bigjpeg.pdf" ] && ok || bad "200 MP JPEG: build exit ${out%% *}"
pdfimages -list "$tmp/bigjpeg.pdf" 2>/dev/null | awk 'NR > 2 {print $9, $13; exit}' | grep -qx "jpeg 250" && ok ||
  bad "200 MP JPEG: not embedded at 250 dpi: $(pdfimages -list "$tmp/bigjpeg.pdf" 2>&1 | tail -n 1)"
[ "$bin" != build/dangan ] || [ $mem_ok -eq 0 ] && ok || bad "200 MP JPEG: build over 128 MiB (exit seconds MiB: $out)"
echo "200 MP JPEG build (exit seconds MiB): $out"
python3 - "$tmp/big.jpg" "$tmp/toobig.jpg" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.index(b"\xff\xc0")
d[i + 7:i + 9] = (16001).to_bytes(2, "big")      # width: 200,012,500 pixels
open(sys.argv[2], "wb").write(d)
PY
refused jpeg-toobig "$tmp/toobig.jpg"
jq -e '.findings[] | select(.code == "ref.missing") | .message | contains("2 亿")' "$tmp/out" >/dev/null && ok ||
  bad "over 200 MP: message does not give the limit: $(head -c 300 "$tmp/out")"
$bin check --lang en "$tmp/jpeg-toobig" 2>&1 | grep -q "200 megapixels" && ok || bad "over 200 MP: no English message"
# One side over 65535 pixels (what one row costs is bounded too).
python3 tests/tools/pngmake.py "$tmp/wide.png" rgb 70000 8
refused png-wide "$tmp/wide.png"
jq -e '.findings[] | select(.code == "ref.missing") | .message | contains("像素过多")' "$tmp/out" >/dev/null && ok ||
  bad "70000-pixel-wide PNG: message does not give the limit: $(head -c 300 "$tmp/out")"
# A progressive JPEG keeps every coefficient while decoding: one that would
# need more than the 96 MiB allowed is refused with a clear reason.
$mk jpeg "$tmp/prog-huge.jpg" 7000 7000 progressive
refused jpeg-progressive-huge "$tmp/prog-huge.jpg"
jq -e '.findings[] | select(.code == "ref.missing") | .message | contains("渐进式")' "$tmp/out" >/dev/null && ok ||
  bad "huge progressive JPEG: message does not say why: $(head -c 300 "$tmp/out")"
# A PNG of 60 megapixels (180 MB at full size), decoded row by row: bounded too.
python3 - "$tmp/big.png" <<'PY'
import struct, sys, zlib
w, h = 10000, 6000
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
z = zlib.compressobj(1)
row = b"\0" + b"\xe6\x14\x14" * w
idat = b"".join(z.compress(row) for _ in range(h)) + z.flush()
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
PY
figsub "$tmp/bigpng" "$tmp/big.png"
out=$(python3 tests/tools/limits.py 600 128 $bin build "$tmp/bigpng" -o "$tmp/bigpng.pdf"); mem_ok=$?
[ "${out%% *}" = 0 ] && ok || bad "60 MP PNG: build exit ${out%% *}"
pdfimages -list "$tmp/bigpng.pdf" 2>/dev/null | awk 'NR > 2 {print $9, $13; exit}' | grep -qx "image 300" && ok ||
  bad "60 MP PNG: not embedded losslessly at 300 dpi: $(pdfimages -list "$tmp/bigpng.pdf" 2>&1 | tail -n 1)"
[ "$bin" != build/dangan ] || [ $mem_ok -eq 0 ] && ok || bad "60 MP PNG: build over 128 MiB (exit seconds MiB: $out)"
echo "60 MP PNG build (exit seconds MiB): $out"

# 4. HEIC (iPhones' default), by content whatever its name, turned upright
# by its irot/imir boxes; made here by libheif's HEVC encoder (x265).
$mk heic "$tmp/IMG_0001.HEIC" 240 160; rc=$?
if [ $rc -eq 3 ]; then
  echo "images: libheif has no HEVC encoder here: HEIC decoding untested but for malformed files"
else
  passes heic "$tmp/IMG_0001.HEIC"
  upright "$tmp/heic.pdf" "HEIC"
  pdfimages -list "$tmp/heic.pdf" 2>/dev/null | awk 'NR > 2 {print $4 "x" $5, $9; exit}' | grep -qx "240x160 jpeg" && ok ||
    bad "HEIC not re-encoded as a 240x160 JPEG: $(pdfimages -list "$tmp/heic.pdf" 2>&1 | tail -n 1)"
  for o in 3 6 8; do
    $mk heic "$tmp/heic-$o.jpg" 240 160 orient $o
    passes "heic-orient-$o" "$tmp/heic-$o.jpg"
    upright "$tmp/heic-orient-$o.pdf" "HEIC with irot/imir for orientation $o"
  done
  head -c $(($(wc -c < "$tmp/IMG_0001.HEIC") * 2 / 3)) "$tmp/IMG_0001.HEIC" > "$tmp/cut.heic"
  refused heic-truncated "$tmp/cut.heic"
fi
# A file that says it is HEIF but is not: a clear finding, not a crash.
{ printf '\000\000\000\030ftypheic\000\000\000\000mif1heic'; head -c 2000 /dev/urandom; } > "$tmp/fake.heic"
refused heic-malformed "$tmp/fake.heic"

echo "images: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
