# shellcheck shell=bash
# Shell functions shared by the bench scripts (sourced, not run). Callers set $tmp and pids=().

fail() {
	echo "${0##*/}: FAIL: $*" >&2
	exit 1
}

# Stops every process in pids (TERM, then KILL after 5 s) and removes $tmp.
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	pids=()
	[ -n "${tmp:-}" ] && rm -rf "$tmp"
}

# Stops one process started by the caller and drops it from pids.
stop_pid() {
	local p=$1 q keep=()
	kill -TERM "$p" 2>/dev/null || true
	for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
	for q in "${pids[@]}"; do [ "$q" = "$p" ] || keep+=("$q"); done
	pids=("${keep[@]}")
}

# Servers on core 0, wrk on core 1, when the machine has both and allows it.
# shellcheck disable=SC2034 # srv, cli and pinning are for the caller
set_pinning() {
	srv=() cli=() pinning="not pinned (fewer than 2 cores or no taskset)"
	if [ "$(nproc)" -ge 2 ] && taskset -c 1 true 2>/dev/null; then
		srv=(taskset -c 0) cli=(taskset -c 1) pinning="servers on core 0, wrk on core 1"
	fi
}

# Waits for "NAME: listening on SCHEME://..." lines in $1 while process $2 lives; prints URL.
listen_url() {
	local out=$1 pid=$2 scheme=$3 url=""
	for _ in $(seq 100); do
		url=$(grep -o "listening on $scheme://[^ ]*" "$out" | awk '{print $3}' || true)
		[ -n "$url" ] && { echo "$url"; return 0; }
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# Converts a wrk duration (850.00us, 1.23ms, 1.02s, 2.00m) to milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : -1
		if (f < 0) { print "?"; exit 1 }
		printf "%.3f", n * f }'
}
