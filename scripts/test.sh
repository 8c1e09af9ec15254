#!/usr/bin/env bash
# The second command: installs what is missing, builds, and runs the whole test suite: the
# cmocka unit tests and the end-to-end suite against the real binary, first as built normally,
# then again under AddressSanitizer and UndefinedBehaviorSanitizer (make check). Ends with the
# line "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh || exit 1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0 passed=0 failed=0

# run LABEL MAKE-ARGS...: one build's unit tests, then its end-to-end tests.
run() {
	local label=$1; shift
	make -s "$@" unit 2>&1 | tee "$log"
	[ "${PIPESTATUS[0]}" = 0 ] || rc=1
	local up uf
	up=$(grep -o '\[  PASSED  \] [0-9]*' "$log" | awk '{s+=$NF} END {print s+0}')
	uf=$(grep -o '\[  FAILED  \] [0-9]* test' "$log" | awk '{s+=$(NF-1)} END {print s+0}')
	grep -q 'Error [0-9]' "$log" && { uf=$((uf + 1)); rc=1; } # a test that did not build
	make -s "$@" e2e PYTEST_ARGS="-p no:cacheprovider" 2>&1 | tee "$log"
	[ "${PIPESTATUS[0]}" = 0 ] || rc=1
	local summary ep ef
	summary=$(grep -E '^=* ?[0-9]+ (passed|failed|errors?|skipped|deselected)' "$log" | tail -1)
	ep=$(echo "$summary" | grep -Eo '[0-9]+ passed' | awk '{print $1+0}')
	ef=$(echo "$summary" | grep -Eo '[0-9]+ (failed|errors?)' | awk '{s+=$1} END {print s+0}')
	[ -n "$summary" ] || { ef=$((ef + 1)); rc=1; }
	echo "$label: unit ${up} passed, ${uf} failed; e2e ${ep:-0} passed, ${ef} failed"
	passed=$((passed + up + ${ep:-0}))
	failed=$((failed + uf + ef))
}

run "plain build"
run "sanitizers" SAN=1
echo "$passed passed, $failed failed"
exit $rc
