#!/usr/bin/env bash
# The Debian package end to end: make deb (and lintian), apt-get install, an upgrade to a second
# build with a bumped version (from a copy of the tree), apt-get remove, apt-get purge, checking
# what is on disk after each step. PID 1 need not be systemd: the unit's ExecStartPre and
# ExecStart lines are run by hand as its User=, with its UMask=, EnvironmentFile= and
# LoadCredential= emulated. Needs root and a free port 8443. Prints PASS/FAIL lines and ends with
# "deb: N passed, M failed"; always purges the package, stops the server it started and removes
# its temp dirs and, if purge left it, the user cupid.
set -uo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
UNIT=/lib/systemd/system/cupid.service
URL=https://127.0.0.1:8443
APT=(apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
passed=0 failed=0 tmp="" pid="" ours=0 user_before=0

pass() { echo "PASS: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1"; failed=$((failed + 1)); }
# check WHAT CMD...: one check, passed when CMD succeeds (its output is shown only on failure).
check() {
	local what=$1 out; shift
	if out=$("$@" 2>&1); then pass "$what"; else fail "$what"; [ -z "$out" ] || echo "$out" | sed 's/^/    /'; fi
}
finish() {
	echo "deb: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

stop_server() {
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	local st=$?
	pid=""
	return $st
}
cleanup() {
	stop_server
	if [ "$ours" = 1 ]; then
		dpkg-query -W cupid >/dev/null 2>&1 && apt-get purge -y -q cupid >/dev/null 2>&1
		if [ "$user_before" = 0 ] && getent passwd cupid >/dev/null; then
			deluser --system --quiet cupid >/dev/null 2>&1 || userdel cupid
			getent group cupid >/dev/null && groupdel cupid
		fi
	fi
	[ -z "$tmp" ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- preconditions -------------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || { fail "scripts/deb-test.sh runs as root (it installs the package)"; finish; }
bash scripts/deps.sh </dev/null || { fail "scripts/deps.sh installed the packaging tools"; finish; }
if dpkg-query -W -f='${Status}' cupid 2>/dev/null | grep -qv '^unknown ok not-installed$'; then
	fail "the package cupid is not on this machine yet (purge it first: apt-get purge cupid)"
	finish
fi
if (exec 3<>/dev/tcp/127.0.0.1/8443) 2>/dev/null; then
	fail "port 8443 is free (something listens there: the package's cupid needs it)"
	finish
fi
getent passwd cupid >/dev/null && user_before=1
tmp=$(mktemp -d /tmp/cupid-deb-test.XXXXXX)
chmod 0755 "$tmp"
ours=1
before=$(git status --porcelain 2>/dev/null)
V=$(sed -n 's/^#define CUPID_VERSION *"\(.*\)"/\1/p' src/version.h)
V2="$V+debtest1"
ARCH=$(dpkg --print-architecture)

# mode_owner FILE MODE OWNER:GROUP
mode_owner() { [ "$(stat -c '%a %U:%G' "$1")" = "$2 $3" ] || { stat -c '%n: %a %U:%G' "$1"; return 1; }; }
status_is() { local s; s=$(dpkg-query -W -f='${Status} ${Version}' cupid 2>&1); [ "$s" = "$1" ] || { echo "$s"; return 1; }; }
gone() { local f; for f; do [ ! -e "$f" ] && [ ! -L "$f" ] || { echo "$f is still there"; return 1; }; done; }
there() { local f; for f; do [ -e "$f" ] || { echo "$f is missing"; return 1; }; done; }
password() { sed -n 's/^CUPID_ADMIN_PASSWORD=//p' /etc/cupid/admin-password; }
http_code() { curl -sk -o /dev/null -w '%{http_code}' --max-time 5 "$@"; }
port_total() {
	curl -sfk --max-time 5 -u "admin:$(password)" -H 'Accept: application/json' \
		"$URL/vmrest/ports?rowsPerPage=1" | grep -o '"@total":"[0-9]*"' | grep -o '[0-9]*'
}
schema() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA user_version").fetchone()[0])' /var/lib/cupid/cupid.db; }
unit_values() { sed -n "s/^$1=//p" "$UNIT"; }

# start_unit LOG: the unit's ExecStartPre lines, then its ExecStart in the background (pid), as
# systemd would run them: as User= and Group=, with UMask=, the variables of EnvironmentFile=
# and the credentials of LoadCredential= in CREDENTIALS_DIRECTORY. Waits (at most 30 s) until
# the server answers.
start_unit() {
	local log=$1 user group umask cred line envs=() f name src
	user=$(unit_values User) group=$(unit_values Group) umask=$(unit_values UMask)
	cred=$tmp/credentials
	rm -rf "$cred" && install -d -m 0700 -o "$user" -g "$group" "$cred"
	while IFS=: read -r name src; do
		install -m 0400 -o "$user" -g "$group" "$src" "$cred/$name"
	done < <(unit_values LoadCredential)
	while read -r f; do
		case $f in -*) f=${f#-}; [ -e "$f" ] || continue ;; esac
		while read -r line; do envs+=("$line"); done < <(grep -E '^[A-Za-z_][A-Za-z0-9_]*=' "$f")
	done < <(unit_values EnvironmentFile)
	as_unit() { # execs: call it in a subshell or in the background
		exec setpriv --reuid="$user" --regid="$group" --init-groups -- env -i \
			PATH=/usr/sbin:/usr/bin:/sbin:/bin CREDENTIALS_DIRECTORY="$cred" "${envs[@]}" \
			/bin/sh -c "umask ${umask:-0022}; exec $1"
	}
	: >"$log"
	while read -r line; do
		(as_unit "${line#-}") >>"$log" 2>&1 </dev/null
	done < <(unit_values ExecStartPre)
	as_unit "$(unit_values ExecStart)" >>"$log" 2>&1 </dev/null &
	pid=$!
	for _ in $(seq 300); do
		kill -0 "$pid" 2>/dev/null || break
		[ "$(http_code "$URL/cupid/health")" = 200 ] && return 0
		sleep 0.1
	done
	cat "$log"
	return 1
}

# --- build ---------------------------------------------------------------------------------------
DEB=build/deb/cupid_${V}_${ARCH}.deb
check "make deb builds $DEB and its -dbgsym" bash -c \
	"make -s deb >$tmp/build.log 2>&1 || { tail -40 $tmp/build.log; exit 1; }; ls build/deb/cupid-dbgsym_${V}_${ARCH}.deb $DEB"
[ -e "$DEB" ] || finish
check "the checkout is unchanged by make deb" test "$(git status --porcelain 2>/dev/null)" = "$before"
echo "--- lintian build/deb/cupid_${V}_${ARCH}.changes (both packages)"
lintian -EvIL +pedantic --fail-on warning "build/deb/cupid_${V}_${ARCH}.changes" 2>&1 | tee "$tmp/lintian"
[ "${PIPESTATUS[0]}" = 0 ] && ! grep -qE '^[EW]: ' "$tmp/lintian" && pass "lintian: no errors or warnings" ||
	fail "lintian: no errors or warnings"
echo "--- dpkg -c $DEB"
dpkg -c "$DEB"
check "the package's conffile is /etc/cupid/cupid.conf" test "$(dpkg-deb -f "$DEB" Package; dpkg-deb --ctrl-tarfile "$DEB" | tar -xOf - ./conffiles)" = "cupid
/etc/cupid/cupid.conf"

# --- install -------------------------------------------------------------------------------------
check "apt-get install ./$DEB" bash -c "${APT[*]} ./$DEB </dev/null >$tmp/apt.log 2>&1 || { cat $tmp/apt.log; exit 1; }"
check "installed: cupid $V" status_is "install ok installed $V"
check "the binary, the manual page and the unit are in place" there /usr/bin/cupid \
	/usr/share/man/man8/cupid.8.gz "$UNIT"
check "cupid --version says $V" bash -c "/usr/bin/cupid --version | grep -F '$V'"
check "/etc/cupid/cupid.conf is root's, 0600" mode_owner /etc/cupid/cupid.conf 600 root:root
check "/etc/cupid/admin-password is root's, 0600, with a generated password" bash -c \
	"$(declare -f mode_owner password); mode_owner /etc/cupid/admin-password 600 root:root && [ \$(password | wc -c) -eq 25 ]"
check "the system user cupid (group cupid, no login shell)" bash -c \
	'IFS=: read -r _ _ uid gid _ home sh < <(getent passwd cupid); [ "$uid" -lt 1000 ] && [ "$(getent group cupid | cut -d: -f3)" = "$gid" ] && [ "$home" = /var/lib/cupid ] && [ "$sh" = /usr/sbin/nologin ]'
check "/var/lib/cupid is cupid's, 0700" mode_owner /var/lib/cupid 700 cupid:cupid
check "the unit runs as User=cupid, hardened, no DynamicUser" bash -c \
	"grep -qx User=cupid $UNIT && grep -qx ProtectSystem=strict $UNIT && grep -qx NoNewPrivileges=yes $UNIT && ! grep -q DynamicUser $UNIT"
man=(); command -v man >/dev/null || man=(--man=no)
check "the unit passes systemd-analyze verify" bash -c "out=\$(systemd-analyze verify ${man[*]} $UNIT 2>&1) && ! grep cupid <<<\"\$out\""
rm -f /var/cache/man/cat8/cupid.8.gz # man-db's cache of the page, filled by verify's man
check "the unit is enabled (multi-user.target.wants)" test "$(readlink /etc/systemd/system/multi-user.target.wants/cupid.service)" = "$UNIT"
check "the maintainer scripts start (install), restart (upgrade) and stop (remove) it under systemd" bash -c \
	"grep -q '_dh_action=restart' /var/lib/dpkg/info/cupid.postinst && grep -q \"deb-systemd-invoke stop 'cupid.service'\" /var/lib/dpkg/info/cupid.prerm"

# --- first start ---------------------------------------------------------------------------------
if start_unit "$tmp/start1.log"; then pass "the unit's command line starts cupid as cupid"; else fail "the unit's command line starts cupid as cupid"; fi
check "GET /vmrest/version with the password of /etc/cupid/admin-password: 200" test "$(http_code -u "admin:$(password)" "$URL/vmrest/version")" = 200
check "a wrong password: 401" test "$(http_code -u admin:wrong "$URL/vmrest/version")" = 401
check "the first start says where the password is" grep -qF "password of the user admin is in /etc/cupid/admin-password" "$tmp/start1.log"
check "the server runs as cupid" test "$(ps -o user= -p "${pid:-0}")" = cupid
check "POST /cupid/fixtures/seed: 200" test "$(http_code -u "admin:$(password)" -X POST "$URL/cupid/fixtures/seed")" = 200
ports=$(port_total)
check "the seed has ports ($ports)" test "${ports:-0}" -gt 0
if stop_server; then pass "SIGTERM stops it with status 0"; else fail "SIGTERM stops it with status 0"; fi
check "/var/lib/cupid holds the database and the generated certificate, cupid's, 0600" bash -c \
	"$(declare -f mode_owner); mode_owner /var/lib/cupid/cupid.db 600 cupid:cupid && mode_owner /var/lib/cupid/cupid-key.pem 600 cupid:cupid && mode_owner /var/lib/cupid/cupid-cert.pem 600 cupid:cupid"
schema1=$(schema)
echo "# local edit kept over upgrades" >>/etc/cupid/cupid.conf
pwsum=$(sha256sum </etc/cupid/admin-password)

# --- upgrade -------------------------------------------------------------------------------------
src=$tmp/src/cupid
mkdir -p "$src"
tar -cf - --exclude=./.git --exclude=./build --exclude=./cupid --exclude=./cupid-data \
	--exclude=node_modules --exclude=__pycache__ --exclude=.pytest_cache . | tar -xf - -C "$src"
sed -i "s/^#define CUPID_VERSION .*/#define CUPID_VERSION \"$V2\"/" "$src/src/version.h"
check "make deb refuses a debian/changelog that disagrees with src/version.h" bash -c \
	"out=\$(make -s -C $src deb 2>&1); [ \$? -ne 0 ] && grep -F 'debian/changelog is at $V but src/version.h at $V2' <<<\"\$out\" || { echo \"\$out\"; exit 1; }"
{
	printf 'cupid (%s) unstable; urgency=medium\n\n  * Test build for the upgrade.\n\n' "$V2"
	printf ' -- %s  %s\n\n' "$(dpkg-parsechangelog -l debian/changelog -S Maintainer)" "$(date -R)"
	cat debian/changelog
} >"$src/debian/changelog.new" && mv "$src/debian/changelog.new" "$src/debian/changelog"
DEB2=$src/build/deb/cupid_${V2}_${ARCH}.deb
check "make deb builds $V2 from a copy of the tree" bash -c \
	"DEB_BUILD_OPTIONS=nocheck make -s -C $src deb >$tmp/build2.log 2>&1 || { tail -40 $tmp/build2.log; exit 1; }; ls $DEB2"
check "apt-get install the $V2 package over $V" bash -c "${APT[*]} $DEB2 </dev/null >$tmp/apt2.log 2>&1 || { cat $tmp/apt2.log; exit 1; }"
check "installed: cupid $V2" status_is "install ok installed $V2"
check "the admin password file is unchanged" test "$(sha256sum </etc/cupid/admin-password)" = "$pwsum"
check "the edited configuration is kept, the new one beside it (.dpkg-dist)" bash -c \
	"grep -qx '# local edit kept over upgrades' /etc/cupid/cupid.conf && grep -q 'cupid $V2' /etc/cupid/cupid.conf.dpkg-dist"
check "the unit is still enabled" test "$(readlink /etc/systemd/system/multi-user.target.wants/cupid.service)" = "$UNIT"
check "/var/lib/cupid is still cupid's, 0700, with the database" bash -c \
	"$(declare -f mode_owner); mode_owner /var/lib/cupid 700 cupid:cupid && mode_owner /var/lib/cupid/cupid.db 600 cupid:cupid"
if start_unit "$tmp/start2.log"; then pass "restarted after the upgrade"; else fail "restarted after the upgrade"; fi
check "/cupid/health says $V2" bash -c "curl -sk --max-time 5 $URL/cupid/health | grep -qF '\"version\":\"$V2\"'"
check "the same password still works: 200" test "$(http_code -u "admin:$(password)" "$URL/vmrest/version")" = 200
check "the ports are kept ($ports)" test "$(port_total)" = "$ports"
check "no first-start line on a later start" bash -c "! grep -q 'first start' $tmp/start2.log"
stop_server
check "the database's schema version is kept or migrated up ($schema1 -> $(schema))" test "$(schema)" -ge "$schema1"

# --- remove --------------------------------------------------------------------------------------
check "apt-get remove cupid" bash -c "apt-get remove -y -q cupid </dev/null >$tmp/apt3.log 2>&1 || { cat $tmp/apt3.log; exit 1; }"
check "removed, configuration kept" status_is "deinstall ok config-files $V2"
check "the binary, the manual page and the unit are gone" gone /usr/bin/cupid /usr/share/man/man8/cupid.8.gz "$UNIT"
check "the configuration and the admin password are kept" there /etc/cupid/cupid.conf /etc/cupid/admin-password
check "the data is kept" there /var/lib/cupid/cupid.db /var/lib/cupid/cupid-key.pem /var/lib/cupid/cupid-cert.pem

# --- purge ---------------------------------------------------------------------------------------
check "apt-get purge cupid" bash -c "apt-get purge -y -q cupid </dev/null >$tmp/apt4.log 2>&1 || { cat $tmp/apt4.log; exit 1; }"
check "purged: dpkg knows no cupid" bash -c "! dpkg-query -W cupid 2>/dev/null"
check "/etc/cupid and /var/lib/cupid are gone" gone /etc/cupid /var/lib/cupid
check "no systemd symlinks or state are left" bash -c \
	"$(declare -f gone); gone /etc/systemd/system/multi-user.target.wants/cupid.service /etc/systemd/system/cupid.service && ! ls /var/lib/systemd/deb-systemd-helper-enabled 2>/dev/null | grep -q cupid && ! find /var/lib/systemd/deb-systemd-helper-enabled -name 'cupid*' 2>/dev/null | grep -q ."
check "nothing of the package is left on disk" bash -c "! find /etc /lib /usr /var -name 'cupid*' -not -path '$tmp/*' 2>/dev/null | grep -v '^/var/cache/apt' | grep ."
if [ "$user_before" = 0 ]; then
	check "the system user cupid stays after purge (Debian practice; removed by this script)" getent passwd cupid
fi
cleanup
tmp="" ours=0
check "the checkout is unchanged by this script" test "$(git status --porcelain 2>/dev/null)" = "$before"
finish
