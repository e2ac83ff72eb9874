# tests/lib.sh — what every shell test shares: run from the repository
# root, count passes and failures, a scratch folder removed on exit.
# Sourced after `set -u`; the caller prints "NAME: $pass passed, $fail failed".
cd "$(dirname "$0")/.."
bin=${DANGAN_BIN:-build/dangan}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# counted CMD...: runs a checker that prints "FAIL …" lines and ends
# "NAME: N passed, N failed"; shows its problems, adds its counts to ours
# (no result line, or a non-zero exit with none failed, is a failure).
counted() {   # its variables are prefixed: a sh function shares the caller's
  _c_out=$("$@" 2>&1); _c_rc=$?
  printf '%s\n' "$_c_out" | grep -E '^(FAIL|known)|drop it from --allow' | head -n 20
  _c_line=$(printf '%s\n' "$_c_out" | grep -E ': [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
  _c_p=$(printf '%s\n' "$_c_line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
  _c_f=$(printf '%s\n' "$_c_line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
  pass=$((pass + ${_c_p:-0})); fail=$((fail + ${_c_f:-1}))
  [ $_c_rc -eq 0 ] || [ "${_c_f:-1}" -gt 0 ] || { fail=$((fail + 1)); printf '%s\n' "$_c_out" | tail -n 5; }
}

# pdfa [--allow CLAUSES] FILE...: the PDF/A-1b self-check (tests/tools/pdfa.py).
pdfa() { counted python3 tests/tools/pdfa.py "$@"; }

ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# make_pki DIR: a throw-away county CA, a school certificate and an
# archive (bureau) certificate signed by it, made at test time (no private
# key is ever committed; samples/pki.sh), valid 2010–2040, and the sample
# school file beside them as DIR/SCHOOL.xml.
. samples/pki.sh
make_pki() {
  mkdir -p "$1" && d=$(cd "$1" && pwd) &&
  pki_ca "$d" "XX县教育体育局 CA" && pki_cert "$d" school "XX县实验学校" &&
  pki_cert "$d" archive "XX县教育体育局档案室" &&
  cp samples/school-xxsy.xml "$1/SCHOOL.xml"
}

# sample_as DIR ID [NAME]: the reference submission copied to DIR with
# placement id ID (and teacher NAME).
sample_as() {
  cp -R samples/li-chunyan "$1" &&
  sed -i "s|LX2016-0007|$2|" "$1/placement.xml" "$1/assessment.xml" &&
  if [ -n "${3:-}" ]; then sed -i "s|<name>李春燕</name>|<name>$3</name>|" "$1/placement.xml"; fi
}

# new_archive DIR [CA]: an empty archive trusting CA (default the test CA),
# signing its 归档章 with the test archive key; tree_hash DIR: one hash of
# every file under DIR (an archive refusing a bundle must keep it).
new_archive() {  # new_archive DIR [CA]: an empty archive trusting the test CA, signing with its archive key
  mkdir -p "$1/trust"
  cp "${2:-$tmp/pki/ca.pem}" "$1/trust/county-ca.pem"
  printf '<archive xmlns="urn:dangan:1" prefix="黟教"><signer certificate="%s" key="%s"/></archive>\n' \
    "$tmp/pki/archive-cert.pem" "$tmp/pki/archive-key.pem" > "$1/archive.xml"
}
tree_hash() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum); }

# filed_archive DIR: an archive of two bundles (B1: 李春燕 and 王堃, B2:
# 張曉明) and a corrected version of the first dossier (B1c, filed with
# --supersede): 黟教-2016-0001 versions 1 and 2, 0002 and 0003, all under
# 2016/XX县红星乡中心小学/. Needs make_pki "$tmp/pki" first.
filed_archive() {
  cp -R samples/li-chunyan "$tmp/a"
  sample_as "$tmp/b" LX2016-0009 王堃
  sample_as "$tmp/c" LX2016-0010 張曉明
  cp -R samples/li-chunyan "$tmp/a2"
  sed -i '0,/<p>/s|<p>|<p>（更正）|' "$tmp/a2/journal.xml"
  $bin bundle "$tmp/a" "$tmp/b" --school "$tmp/pki/SCHOOL.xml" -o "$tmp/B1" >/dev/null 2>&1 && ok || bad "bundle B1"
  $bin bundle "$tmp/c" --school "$tmp/pki/SCHOOL.xml" -o "$tmp/B2" >/dev/null 2>&1 && ok || bad "bundle B2"
  $bin bundle "$tmp/a2" --school "$tmp/pki/SCHOOL.xml" -o "$tmp/B1c" >/dev/null 2>&1 && ok || bad "bundle B1c"
  new_archive "$1"
  $bin archive "$tmp/B1" --into "$1" >/dev/null 2>&1 && $bin archive "$tmp/B2" --into "$1" >/dev/null 2>&1 &&
    $bin archive "$tmp/B1c" --into "$1" --supersede --reason "更正日志" >/dev/null 2>&1 && ok || bad "filing into $1"
}
