#!/usr/bin/env bash
# Runs the libFuzzer targets built by `make fuzz` (fuzz/run.sh BINDIR SECONDS): for each one,
# replays every file in fuzz/regressions/<target>/ (inputs that once crashed), then fuzzes for
# SECONDS from the seeds in fuzz/corpus/<target>/ (with fuzz/dict/<target>.dict when there is
# one), adding what it finds to a scratch corpus in
# build/fuzz/corpus/<target>/ (fuzz/corpus/ is never written). A crash, leak, sanitizer report
# or timeout fails the run and leaves the input in build/fuzz/artifacts/. Prints one line per
# target: executions, time, executions per second.
set -uo pipefail
cd "$(dirname "$0")/.."
bindir=${1:?usage: fuzz/run.sh BINDIR SECONDS}
secs=${2:-30}
work=build/fuzz
mkdir -p "$work/artifacts" "$work/logs"

# target and -max_len: room for the inputs each parser meets (bodies and fixture documents
# large enough for the 1,000-field and 32-level caps; heads well past their own limits).
targets=(
	"fuzz_body_xml 16384"
	"fuzz_body_json 16384"
	"fuzz_fixture 16384"
	"fuzz_query 2048"
	"fuzz_negotiate 1024"
	"fuzz_path 2048"
	"fuzz_auth 2048"
	"fuzz_http 20000"
)
rc=0
for entry in "${targets[@]}"; do
	read -r t maxlen <<<"$entry"
	bin="$bindir/$t"
	log="$work/logs/$t.log"
	if [ ! -x "$bin" ]; then
		echo "fuzz: $t: $bin is missing"
		rc=1
		continue
	fi
	regs=()
	if [ -d "fuzz/regressions/$t" ]; then
		while IFS= read -r -d '' f; do regs+=("$f"); done \
			< <(find "fuzz/regressions/$t" -type f -print0 | sort -z)
	fi
	if [ ${#regs[@]} -gt 0 ] && ! "$bin" -timeout=10 "${regs[@]}" >"$log" 2>&1; then
		echo "fuzz: $t: a regression input fails again:"
		tail -30 "$log"
		rc=1
		continue
	fi
	mkdir -p "$work/corpus/$t"
	dict=()
	[ -f "fuzz/dict/$t.dict" ] && dict=(-dict="fuzz/dict/$t.dict")
	start=$(date +%s.%N)
	"$bin" -max_len="$maxlen" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
		"${dict[@]}" -artifact_prefix="$work/artifacts/$t-" "$work/corpus/$t" \
		"fuzz/corpus/$t" >"$log" 2>&1
	status=$?
	end=$(date +%s.%N)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	took=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f", b - a}')
	if [ $status -ne 0 ]; then
		echo "fuzz: $t: FAILED after ${took}s (exit $status, ${#regs[@]} regressions replayed):"
		grep -E 'ERROR|SUMMARY|artifact|==[0-9]+==' "$log" | head -20
		rc=1
		continue
	fi
	rate=$(awk -v n="${execs:-0}" -v s="$took" 'BEGIN {printf "%.0f", (s > 0 ? n / s : 0)}')
	echo "fuzz: $t: ${execs:-?} executions in ${took}s (${rate}/s), ${#regs[@]} regressions replayed"
done
exit $rc
