#!/usr/bin/env bash
# The second command: installs what is missing, builds, and runs the whole test suite (cmocka
# unit tests, then the end-to-end suite against the real binary). Ends with "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh || exit 1
make -s cupid || exit 1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0
make -s unit 2>&1 | tee "$log"
[ "${PIPESTATUS[0]}" = 0 ] || rc=1
unit_pass=$(grep -o '\[  PASSED  \] [0-9]*' "$log" | awk '{s+=$NF} END {print s+0}')
unit_fail=$(grep -o '\[  FAILED  \] [0-9]* test' "$log" | awk '{s+=$(NF-1)} END {print s+0}')
make -s e2e PYTEST_ARGS="-p no:cacheprovider" 2>&1 | tee "$log"
[ "${PIPESTATUS[0]}" = 0 ] || rc=1
summary=$(grep -E '^=* ?[0-9]+ (passed|failed|errors?|skipped|deselected)' "$log" | tail -1)
e2e_pass=$(echo "$summary" | grep -Eo '[0-9]+ passed' | awk '{print $1+0}')
e2e_fail=$(echo "$summary" | grep -Eo '[0-9]+ (failed|errors?)' | awk '{s+=$1} END {print s+0}')
[ -n "$summary" ] || { e2e_fail=$((e2e_fail + 1)); rc=1; }
echo "unit: ${unit_pass} passed, ${unit_fail} failed; e2e: ${e2e_pass:-0} passed, ${e2e_fail} failed"
echo "$((unit_pass + ${e2e_pass:-0})) passed, $((unit_fail + e2e_fail)) failed"
exit $rc
