#!/usr/bin/env bash
# Installs the Debian 12 packages cupid needs to build, run and test, if any is missing.
set -euo pipefail
PKGS=(build-essential pkg-config libmicrohttpd-dev libgnutls28-dev libjansson-dev libxml2-dev
      libsqlite3-dev libpq-dev libcmocka-dev libcurl4-gnutls-dev curl openssl ca-certificates python3 python3-pytest
      python3-requests wrk postgresql nginx
      systemd groff-base) # systemd-analyze and groff check the unit file and the manual page
PKGS+=(clang libclang-rt-14-dev valgrind) # make fuzz (libFuzzer) and scripts/valgrind-e2e.sh
PKGS+=(debhelper dpkg-dev lintian adduser) # make deb and scripts/deb-test.sh
# The browser tests (tests/browser) need Chromium, and Node.js with npm. A node and npm already
# on PATH are used as they are (NodeSource's nodejs bundles npm and conflicts with Debian's npm
# package); Debian's nodejs and npm are the fallback.
PKGS+=(chromium)
command -v node >/dev/null && command -v npm >/dev/null || PKGS+=(nodejs npm)
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "cupid: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
