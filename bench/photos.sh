#!/bin/sh
# photos.sh DIR [N]: the reference submission with N (default 20) phone
# photos — 4032 × 3024 JPEGs of quality 90 with fine detail, about 3.7 MB
# each like a phone's, every other one stored turned with EXIF
# orientation 6 as a phone held upright saves it — made here by
# build/tools/mkimage, shown two to a reflection. For `make bench`.
set -eu
dir=$1; n=${2:-20}
mk=${DANGAN_MKIMAGE:-build/tools/mkimage}
rm -rf "$dir"
cp -R samples/li-chunyan "$dir"
mkdir -p "$dir/photos"
{
  echo '<?xml version="1.0" encoding="UTF-8"?>'
  echo '<reflections xmlns="urn:dangan:1">'
  i=1
  while [ "$i" -le "$n" ]; do
    if [ $((i % 2)) -eq 0 ]; then "$mk" jpeg "$dir/photos/IMG_$i.jpg" 3024 4032 noise orient 6
    else "$mk" jpeg "$dir/photos/IMG_$i.jpg" 4032 3024 noise; fi
    if [ $((i % 2)) -eq 1 ]; then
      printf '  <reflection date="2016-09-20" kind="summary"><title>课堂照片（%d）</title><p>附照片两张。</p>\n' "$i"
    fi
    printf '    <figure src="photos/IMG_%d.jpg"><caption>图%d　课堂</caption></figure>\n' "$i" "$i"
    if [ $((i % 2)) -eq 0 ] || [ "$i" -eq "$n" ]; then echo '  </reflection>'; fi
    i=$((i + 1))
  done
  echo '</reflections>'
} > "$dir/photos.xml"
