# samples/pki.sh — throw-away certificates made with openssl at run time
# (no private key is ever committed): sourced by make-demo-pki.sh and by
# the tests. `openssl ca` rather than `req -x509`/`x509 -req`, because
# only it can date a certificate: a dossier signed in 2016 must be judged
# by certificates valid in 2016 (the trust model in the README).
#   pki_ca DIR CN [START END]           DIR/ca.pem, DIR/ca-key.pem
#   pki_cert DIR NAME CN [START END [EXT]]  DIR/NAME-cert.pem, DIR/NAME-key.pem, issued by DIR's CA
#   pki_revoke DIR NAME                 revokes it and writes DIR/crl.pem
# EXT: leaf (digitalSignature, nonRepudiation; default), nosign
# (keyEncipherment only), server (EKU serverAuth only), ca (an
# intermediate CA). Dates are YYYYMMDDHHMMSSZ.
PKI_START=20100101000000Z
PKI_END=20401231235959Z

pki_conf() {
  cat > "$1/ca.cnf" <<EOC
[ ca ]
default_ca = d
[ d ]
dir = $1
database = \$dir/index.txt
new_certs_dir = \$dir/issued
serial = \$dir/serial
crlnumber = \$dir/crlnumber
default_md = sha256
default_crl_days = 3650
policy = p
unique_subject = no
copy_extensions = none
[ p ]
commonName = supplied
[ ca_ext ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ leaf ]
basicConstraints = CA:false
keyUsage = critical,digitalSignature,nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ nosign ]
basicConstraints = CA:false
keyUsage = critical,keyEncipherment
[ server ]
basicConstraints = CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
EOC
  mkdir -p "$1/issued"
  [ -f "$1/index.txt" ] || : > "$1/index.txt"
  [ -f "$1/serial" ] || echo 1000 > "$1/serial"
  [ -f "$1/crlnumber" ] || echo 1000 > "$1/crlnumber"
}

pki_ca() {
  mkdir -p "$1" && pki_conf "$1" &&
  openssl req -utf8 -new -newkey rsa:2048 -nodes -keyout "$1/ca-key.pem" -out "$1/ca.csr" -subj "/CN=$2" 2>/dev/null &&
  openssl ca -batch -utf8 -selfsign -config "$1/ca.cnf" -keyfile "$1/ca-key.pem" -in "$1/ca.csr" \
    -out "$1/ca.pem" -startdate "${3:-$PKI_START}" -enddate "${4:-$PKI_END}" -extensions ca_ext -notext >/dev/null 2>&1
}

pki_cert() {
  ext=${6:-leaf}; [ "$ext" = ca ] && ext=ca_ext
  openssl req -utf8 -new -newkey "${PKI_KEY:-rsa:2048}" -nodes -keyout "$1/$2-key.pem" -out "$1/$2.csr" -subj "/CN=$3" 2>/dev/null &&
  openssl ca -batch -utf8 -config "$1/ca.cnf" -cert "$1/ca.pem" -keyfile "$1/ca-key.pem" -in "$1/$2.csr" \
    -out "$1/$2-cert.pem" -startdate "${4:-$PKI_START}" -enddate "${5:-$PKI_END}" -extensions "$ext" -notext >/dev/null 2>&1
}

pki_revoke() {
  openssl ca -config "$1/ca.cnf" -cert "$1/ca.pem" -keyfile "$1/ca-key.pem" -revoke "$1/$2-cert.pem" >/dev/null 2>&1 &&
  openssl ca -gencrl -config "$1/ca.cnf" -cert "$1/ca.pem" -keyfile "$1/ca-key.pem" -out "$1/crl.pem" >/dev/null 2>&1
}
