#!/bin/sh
# Installs the Debian packages dangan needs to build, run and test, when
# they are missing. Idempotent and quick when everything is there, so every
# entry point (make run, make test, .ci/run) can call it.
set -eu

# HEIC: Debian 12's libheif1 (1.15) carries its codecs built in — libde265
# decodes HEVC, x265 encodes it (the tests make their HEIC files with it);
# from Debian 13 on they are the plugin packages libheif-plugin-libde265
# and libheif-plugin-x265.
PACKAGES="
  make gcc libc6-dev pkg-config
  libxml2-dev libicu-dev libfreetype-dev libharfbuzz-dev libhpdf-dev libpng-dev zlib1g-dev libdeflate-dev libqrencode-dev libssl-dev libsqlite3-dev libqpdf-dev
  libmicrohttpd-dev libsodium-dev libzip-dev
  libjpeg62-turbo-dev libheif-dev libheif1 libde265-0 libx265-199
  fonts-arphic-uming fonts-arphic-gbsn00lp fonts-arphic-gkai00mp
  fonts-wqy-zenhei fonts-babelstone-han
  libxml2-utils jq sqlite3 python3 poppler-utils qpdf zbar-tools openssl bc valgrind clang libclang-rt-14-dev
  curl chromium chromium-driver python3-selenium
"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "setup.sh: 需要以 root 身份安装以下软件包 (run as root to install):$missing" >&2
  exit 2
fi
echo "setup.sh: 安装 (installing):$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "setup.sh: 完成 (done)"
