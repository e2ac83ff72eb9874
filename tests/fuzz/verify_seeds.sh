#!/bin/sh
# Structure-aware seeds for the verify fuzz target, made at fuzz time (no
# committed key): a minimal PDF signed by a throw-away key, and each attack
# of tests/attacks.sh made from it by tests/tools/forge.py. Usage:
#   sh tests/fuzz/verify_seeds.sh CORPUS_DIR
set -eu
out=$1
k=$(mktemp -d)
trap 'rm -rf "$k"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$k/key.pem" -out "$k/cert.pem" -days 30 -subj "/CN=fuzz" 2>/dev/null
f="python3 tests/tools/forge.py"
$f mini - "$k/mini.pdf"
$f sign "$k/mini.pdf" "$out/seed-signed.pdf" "$k/cert.pem" "$k/key.pem"
$f sign "$out/seed-signed.pdf" "$out/seed-two-signatures.pdf" "$k/cert.pem" "$k/key.pem"
for a in isa isa-marker shadow-hide shadow-replace shadow-hide-replace broken-xref padding-plus \
         usf-contents-missing usf-contents-empty usf-contents-null usf-range-null usf-range-zero \
         usf-range-negative usf-range-partial usf-range-overflow usf-range-huge usf-range-three; do
  $f "$a" "$out/seed-signed.pdf" "$out/seed-$a.pdf"
done
cp "$k/mini.pdf" "$out/seed-unsigned.pdf"
