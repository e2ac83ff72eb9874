#!/bin/sh
# Makes a throw-away county CA, a school certificate and the bureau
# archive's certificate in DIR (default output/pki) for `make run`'s
# demonstration, and a SCHOOL.xml beside them. Real schools and bureaus
# use keys their county CA issues; no private key is ever committed.
set -eu
dir=${1:-output/pki}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/pki.sh"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if [ ! -s "$dir/school-cert.pem" ] || [ ! -s "$dir/archive-cert.pem" ]; then
  rm -f "$dir"/*.pem "$dir/index.txt"*
  pki_ca "$dir" "XX县教育体育局 演示 CA"
  pki_cert "$dir" school "XX县实验学校"
  pki_cert "$dir" archive "XX县教育体育局档案室"
fi
cp "$here/school-xxsy.xml" "$dir/SCHOOL.xml"
