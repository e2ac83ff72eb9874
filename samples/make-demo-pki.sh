#!/bin/sh
# Makes a throw-away county CA and school certificate in DIR (default
# output/pki) for `make run`'s demonstration bundle, and a SCHOOL.xml
# beside them. Real schools use keys their county CA issues; no private
# key is ever committed to this repository.
set -eu
dir=${1:-output/pki}
mkdir -p "$dir"
cd "$dir"
if [ ! -s school-cert.pem ]; then
  openssl req -utf8 -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 3650 \
    -subj "/CN=XX县教育体育局 演示 CA" 2>/dev/null
  openssl req -utf8 -newkey rsa:2048 -nodes -keyout school-key.pem -out school.csr \
    -subj "/CN=XX县实验学校" 2>/dev/null
  openssl x509 -req -in school.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
    -out school-cert.pem -days 3650 2>/dev/null
fi
cp "$OLDPWD/samples/school-xxsy.xml" SCHOOL.xml
