#!/bin/sh
# The bureau's side at scale: one bundle of N dossiers (copies of the
# reference submission under N placement ids), filed into a new archive.
# Prints dossiers per second for bundle and for archive intake, peak RSS
# of the intake, the 归档章 update's size, and what the archive keeps per
# dossier beyond its filed PDF (goal: < 2 KB; the manifest is kept once
# per bundle). Figures, not assertions.   archive.sh [N]
set -u
n=${1:-1000}
cd "$(dirname "$0")/.."
. samples/pki.sh
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
export SOURCE_DATE_EPOCH=1474848000
pki_ca "$w/pki" "Bench CA" && pki_cert "$w/pki" school "XX县实验学校" && pki_cert "$w/pki" archive "Bench 档案室"
cp samples/school-xxsy.xml "$w/pki/SCHOOL.xml"
i=0
while [ $i -lt "$n" ]; do
  i=$((i + 1)); id=$(printf 'LX2016-%05d' $i)
  cp -R samples/li-chunyan "$w/s$i" && sed -i "s|LX2016-0007|$id|" "$w/s$i/placement.xml" "$w/s$i/assessment.xml"
done
t0=$(date +%s.%N)
build/dangan bundle "$w"/s*/ --school "$w/pki/SCHOOL.xml" -o "$w/B" >/dev/null 2>&1
t1=$(date +%s.%N)
mkdir -p "$w/A/trust" && cp "$w/pki/ca.pem" "$w/A/trust/"
printf '<archive xmlns="urn:dangan:1" prefix="黟教"><signer certificate="%s" key="%s"/></archive>\n' \
  "$w/pki/archive-cert.pem" "$w/pki/archive-key.pem" > "$w/A/archive.xml"
/usr/bin/time -f %M -o "$w/rss" build/dangan archive "$w/B" --into "$w/A" >/dev/null 2>&1
t2=$(date +%s.%N)
pdfs=$(cat "$w"/B/dossiers/*.pdf | wc -c)
filed_bytes=$(find "$w/A" -path "$w/A/reports" -prune -o -name '*.pdf' -exec cat {} + | wc -c)
kept=$(du -sb --exclude=trust --exclude=archive.xml "$w/A" | cut -f1)
filed=$(find "$w/A" -path "$w/A/reports" -prune -o -name '*.pdf' -print | wc -l)
echo "archive: $filed of $n dossiers; bundle $(echo "$n / ($t1 - $t0)" | bc -l | xargs printf '%.1f') dossiers/s," \
  "intake $(echo "$n / ($t2 - $t1)" | bc -l | xargs printf '%.1f') dossiers/s, intake peak $(($(cat "$w/rss") / 1024)) MiB"
echo "archive: per dossier, the 归档章 update (filed PDF − bundle PDF) $(( (filed_bytes - pdfs) / n )) B;" \
  "everything else kept (index row, folders, the bundle's manifest once) $(( (kept - filed_bytes) / n )) B"
