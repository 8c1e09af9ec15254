#!/usr/bin/env bash
# The second command: installs what is missing, builds, and runs the whole test suite: the
# cmocka unit tests and the end-to-end suite against the real binary, first as built normally
# (then the tests of the pytest plugin in contrib/pytest_cupid, then the Debian package through
# install, upgrade, remove and purge: scripts/deb-test.sh, as root), then again under
# AddressSanitizer and UndefinedBehaviorSanitizer (make check), then the end-to-end suite once
# more (plain build) on PostgreSQL, on a throwaway cluster that scripts/pg-test-cluster.sh
# starts under a temp dir and that is always stopped. Ends with the line "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh || exit 1
log=$(mktemp)
pgdir=""
cleanup() {
	rm -f "$log"
	[ -z "$pgdir" ] || bash scripts/pg-test-cluster.sh stop "$pgdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
rc=0 passed=0 failed=0

# pytest_counts: the passed and failed (failures and errors) of the pytest summary in $log, as
# tp and tf, added to the totals; no summary at all counts as one failure.
pytest_counts() {
	local summary
	summary=$(grep -E '^=* ?[0-9]+ (passed|failed|errors?|skipped|deselected)' "$log" | tail -1)
	tp=$(echo "$summary" | grep -Eo '[0-9]+ passed' | awk '{print $1+0}')
	tf=$(echo "$summary" | grep -Eo '[0-9]+ (failed|errors?)' | awk '{s+=$1} END {print s+0}')
	[ -n "$summary" ] || { tf=$((tf + 1)); rc=1; }
	passed=$((passed + ${tp:-0}))
	failed=$((failed + tf))
}

# line_counts PREFIX: "PREFIX: N passed, M failed", the last such line in $log, added to the
# totals; no such line counts as one failure.
line_counts() {
	local line
	line=$(grep -E "^$1: [0-9]+ passed, [0-9]+ failed$" "$log" | tail -1)
	tp=$(awk '{print $2}' <<<"$line") tf=$(awk '{print $4}' <<<"$line")
	[ -n "$line" ] || { tp=0 tf=1; rc=1; }
	passed=$((passed + tp))
	failed=$((failed + tf))
}

# run_e2e LABEL MAKE-ARGS...: one build's end-to-end tests, counted.
run_e2e() {
	local label=$1; shift
	make -s "$@" e2e PYTEST_ARGS="-p no:cacheprovider" 2>&1 | tee "$log"
	[ "${PIPESTATUS[0]}" = 0 ] || rc=1
	pytest_counts
	e2e_summary="e2e ${tp:-0} passed, ${tf} failed"
}

# run LABEL MAKE-ARGS...: one build's unit tests, then its end-to-end tests.
run() {
	local label=$1; shift
	make -s "$@" unit 2>&1 | tee "$log"
	[ "${PIPESTATUS[0]}" = 0 ] || rc=1
	local up uf
	up=$(grep -o '\[  PASSED  \] [0-9]*' "$log" | awk '{s+=$NF} END {print s+0}')
	uf=$(grep -o '\[  FAILED  \] [0-9]* test' "$log" | awk '{s+=$(NF-1)} END {print s+0}')
	grep -q 'Error [0-9]' "$log" && { uf=$((uf + 1)); rc=1; } # a test that did not build
	passed=$((passed + up))
	failed=$((failed + uf))
	run_e2e "$label" "$@"
	echo "$label: unit ${up} passed, ${uf} failed; ${e2e_summary}"
}

run "plain build"
# The pytest plugin for users' tests (contrib/pytest_cupid), its own tests on the plain build.
PYTHONPATH=contrib/pytest_cupid CUPID_BIN=$PWD/build/cupid ${PYTHON:-/usr/bin/python3} -m pytest -q \
	-p no:cacheprovider contrib/pytest_cupid/tests 2>&1 | tee "$log"
[ "${PIPESTATUS[0]}" = 0 ] || rc=1
pytest_counts
echo "pytest_cupid (plain build): ${tp:-0} passed, ${tf} failed"
# The Debian package: make deb, lintian, install, upgrade, remove, purge (scripts/deb-test.sh).
bash scripts/deb-test.sh </dev/null 2>&1 | tee "$log"
[ "${PIPESTATUS[0]}" = 0 ] || rc=1
line_counts deb
echo "debian package: ${tp} passed, ${tf} failed"
run "sanitizers" SAN=1
# The whole end-to-end suite again, every server on a fresh PostgreSQL database.
if out=$(bash scripts/pg-test-cluster.sh start); then
	pgdir=$(sed -n 's/^dir=//p' <<<"$out")
	CUPID_TEST_PG=$(sed -n 's/^uri=//p' <<<"$out") run_e2e "postgresql"
	echo "postgresql (plain build): ${e2e_summary}"
else
	echo "postgresql: the test cluster did not start"
	failed=$((failed + 1))
	rc=1
fi
# The web page in a real browser, once (plain build): Debian's headless Chromium driven by
# playwright-core at the version pinned in tests/browser/package-lock.json (node's test runner).
browser() {
	make -s build/cupid || return 1
	local bin
	bin="$(pwd)/build/cupid"
	cd tests/browser || return 1
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error || return 1
	CUPID_BIN="$bin" node --test --test-reporter=tap ui.test.mjs
}
(browser) 2>&1 | tee "$log"
[ "${PIPESTATUS[0]}" = 0 ] || rc=1
bp=$(grep -E '^# pass [0-9]+' "$log" | tail -1 | awk '{print $3}')
bf=$(grep -E '^# fail [0-9]+' "$log" | tail -1 | awk '{print $3}')
[ -n "$bp" ] || { bf=$((${bf:-0} + 1)); rc=1; }
echo "browser (plain build): ${bp:-0} passed, ${bf:-0} failed"
passed=$((passed + ${bp:-0}))
failed=$((failed + ${bf:-0}))
# One test each: every fuzz target for 3 s (regressions first), and part of the end-to-end
# suite with cupid under valgrind (errors and definite leaks).
for check in "make -s fuzz FUZZ_SECONDS=3" "bash scripts/valgrind-e2e.sh"; do
	if $check; then passed=$((passed + 1)); else failed=$((failed + 1)); rc=1; echo "FAILED: $check"; fi
done
echo "$passed passed, $failed failed"
exit $rc
