#!/usr/bin/env bash
# Leak and memory-error check of a whole end-to-end run: builds cupid at -O1 -g in build/vg,
# runs end-to-end test files against it under valgrind (memcheck), and fails if any cupid
# process reports a memory error or a definite leak, or was killed before valgrind could check.
# usage: scripts/valgrind-e2e.sh [pytest test files...]   (default: the subset below);
# VG_PYTEST_ARGS adds pytest arguments. The whole pytest output is kept in build/vg/e2e.log.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=build/vg
PYTHON=${PYTHON:-/usr/bin/python3}
# valgrind slows cupid down 20-50x (a PBKDF2 password check takes seconds), too much for the
# whole suite within a few minutes. These files drive every resource and write path, both
# body formats, errors, fixtures, failed and successful logins, hostile input, fifty
# misbehaving connections and a graceful shutdown. Left out: the SIGKILL test (a killed
# process has no leak report) and the timing of unknown user names (55 password checks).
DEFAULT=(tests/e2e/test_workflow.py tests/e2e/test_ports_write.py tests/e2e/test_fixtures.py
	 tests/e2e/test_hostile.py tests/e2e/test_crash.py)
SKIP="not sigkill and not unknown_user_costs_a_hash"
files=("$@")
[ ${#files[@]} -gt 0 ] || files=("${DEFAULT[@]}")

command -v valgrind >/dev/null || { echo "valgrind-e2e: valgrind is not installed"; exit 1; }
make -s BUILD="$BUILD" OPT=-O1 "$BUILD/cupid" || exit 1

work=$(mktemp -d /tmp/cupid-vg-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/logs"
# exec: signals sent to the test's server process reach cupid itself.
cat >"$work/cupid" <<WRAP
#!/bin/sh
exec valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \\
	--num-callers=30 --log-file="$work/logs/vg.%p.log" "$PWD/$BUILD/cupid" "\$@"
WRAP
chmod +x "$work/cupid"

start=$(date +%s)
CUPID_BIN="$work/cupid" "$PYTHON" -m pytest -q -p no:cacheprovider -k "$SKIP" ${VG_PYTEST_ARGS:-} \
	"${files[@]}" >"$BUILD/e2e.log" 2>&1
test_rc=$?
tail -15 "$BUILD/e2e.log" # the whole output stays in build/vg/e2e.log

bad=0 n=0
for log in "$work"/logs/vg.*.log; do
	[ -e "$log" ] || continue
	n=$((n + 1))
	if ! grep -q 'ERROR SUMMARY:' "$log"; then
		echo "valgrind-e2e: $(basename "$log"): no summary (cupid was killed before the check)"
		bad=$((bad + 1))
	elif ! grep -q 'ERROR SUMMARY: 0 errors' "$log" ||
		grep -Eq 'definitely lost: [1-9]' "$log"; then
		echo "valgrind-e2e: $(basename "$log") reports errors or definite leaks:"
		sed -n '/Invalid\|uninitialised\|definitely lost in\|ERROR SUMMARY/,+25p' "$log" | head -80
		bad=$((bad + 1))
	fi
done
echo "valgrind-e2e: $n cupid processes checked, $bad with problems; tests exit $test_rc;" \
	"$(($(date +%s) - start))s"
[ "$n" -gt 0 ] && [ "$bad" -eq 0 ] && [ "$test_rc" -eq 0 ]
