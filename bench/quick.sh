#!/usr/bin/env bash
# make bench-quick: GET /vmrest/ports/{id} on cupid against a libmicrohttpd hello-world that
# answers with the same bytes (bench/hello.c), over HTTPS and HTTP keep-alive, with wrk.
# Prints figures; not a test with a time limit. Fails only when a run saw errors. About 80 s.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT_ID=ec664876-5879-4cff-a022-4929b37bd575
AUTH="Authorization: Basic $(printf 'admin:pw' | base64)"
THREADS=1 CONNS=32 WARM=2s DUR=10s
BUILD=build/o2 # its own tree, so every object is known to be built with -O2

for tool in wrk curl; do
	command -v "$tool" >/dev/null || { echo "quick.sh: $tool is missing (bash scripts/deps.sh)" >&2; exit 1; }
done

tmp=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
	echo "quick.sh: FAIL: $*" >&2
	exit 1
}

echo "== building cupid and hello with -O2 into $BUILD"
env -u CFLAGS make -s -j2 BUILD="$BUILD" OPT=-O2 "$BUILD/cupid" "$BUILD/bench/hello"

# Servers on core 0, wrk on core 1, when the machine has both and allows it.
srv=() cli=() pinning="not pinned (fewer than 2 cores or no taskset)"
if [ "$(nproc)" -ge 2 ] && taskset -c 1 true 2>/dev/null; then
	srv=(taskset -c 0) cli=(taskset -c 1) pinning="servers on core 0, wrk on core 1"
fi

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

data="$tmp/data"
mkdir -p "$data"
"${srv[@]}" "$BUILD/cupid" --https.listen=127.0.0.1:0 --http.listen=127.0.0.1:0 \
	--data_dir="$data" --fixture=seed --user.admin=administrator:pw --log.level=warn \
	>"$tmp/cupid.out" 2>"$tmp/cupid.err" &
cupid_pid=$!
pids+=("$cupid_pid")
cupid_https=$(listen_url "$tmp/cupid.out" "$cupid_pid" https) || { cat "$tmp/cupid.err" >&2; fail "cupid did not start"; }
cupid_http=$(listen_url "$tmp/cupid.out" "$cupid_pid" http) || { cat "$tmp/cupid.err" >&2; fail "cupid did not start"; }

# The bytes hello will serve: cupid's own answer, body and headers.
path="/vmrest/ports/$PORT_ID"
code=$(curl -sS -k -H "$AUTH" -D "$tmp/port.hdr" -o "$tmp/port.body" -w '%{http_code}' "$cupid_https$path")
[ "$code" = 200 ] || fail "cupid answered $code to GET $path"

"${srv[@]}" "$BUILD/bench/hello" "$tmp/port.body" "$data/cupid-cert.pem" "$data/cupid-key.pem" \
	"$tmp/port.hdr" >"$tmp/hello.out" 2>"$tmp/hello.err" &
hello_pid=$!
pids+=("$hello_pid")
hello_https=$(listen_url "$tmp/hello.out" "$hello_pid" https) || { cat "$tmp/hello.err" >&2; fail "hello did not start"; }
hello_http=$(listen_url "$tmp/hello.out" "$hello_pid" http) || { cat "$tmp/hello.err" >&2; fail "hello did not start"; }

# name | url | extra wrk/curl header ("" for none)
targets=(
	"cupid xml  https|$cupid_https$path|"
	"cupid json https|$cupid_https$path|Accept: application/json"
	"cupid xml  http|$cupid_http$path|"
	"hello      https|$hello_https$path|"
	"hello      http|$hello_http$path|"
)

# Every target must answer 200 before it is measured: wrk's own error count only covers
# statuses >= 400, so this is what excludes 1xx/3xx. hello must serve cupid's exact body.
for t in "${targets[@]}"; do
	IFS='|' read -r name url hdr <<<"$t"
	args=(-sS -k -H "$AUTH" -o "$tmp/check.body" -w '%{http_code}')
	[ -n "$hdr" ] && args+=(-H "$hdr")
	code=$(curl "${args[@]}" "$url")
	[ "$code" = 200 ] || fail "$name: $url answered $code"
	case $name in hello*) cmp -s "$tmp/check.body" "$tmp/port.body" || fail "$name: body differs from cupid's" ;; esac
done

echo "== wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'): $THREADS thread, $CONNS connections, keep-alive," \
	"$WARM warm-up then $DUR measured, --latency; $pinning"
echo "== GET $path ($(wc -c <"$tmp/port.body") bytes XML); cupid with Basic auth; hello with the same bytes"

# Converts a wrk duration (850.00us, 1.23ms, 1.02s, 2.00m) to milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : -1
		if (f < 0) { print "?"; exit 1 }
		printf "%.3f", n * f }'
}

# Runs wrk once; fails on socket errors, error statuses, no requests, or a dead server.
run_wrk() {
	local out=$1 dur=$2 url=$3 hdr=$4 pid=$5 name=$6
	local args=(-t"$THREADS" -c"$CONNS" -d"$dur" --latency -H "$AUTH")
	[ -n "$hdr" ] && args+=(-H "$hdr")
	"${cli[@]}" wrk "${args[@]}" "$url" >"$out" 2>&1 || { cat "$out" >&2; fail "$name: wrk exited with an error"; }
	if grep -q -e '^ *Socket errors' -e '^ *Non-2xx' "$out" || ! grep -q '^Requests/sec' "$out" ||
		grep -q '^ *0 requests in' "$out"; then
		cat "$out" >&2
		fail "$name: wrk saw errors (output above)"
	fi
	kill -0 "$pid" 2>/dev/null || fail "$name: the server died during the run"
}

# Each cupid run sits next to the hello run it is compared with: throughput on this machine
# drifts by tens of percent within a minute, and neighbours drift least.
order=(3 0 1 2 4)
declare -A rps mean p99
for i in "${order[@]}"; do
	IFS='|' read -r name url hdr <<<"${targets[$i]}"
	case $name in cupid*) pid=$cupid_pid ;; *) pid=$hello_pid ;; esac
	printf '   %-17s ...' "$name" >&2
	run_wrk "$tmp/warm" "$WARM" "$url" "$hdr" "$pid" "$name (warm-up)"
	run_wrk "$tmp/run" "$DUR" "$url" "$hdr" "$pid" "$name"
	rps[$name]=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/run")
	mean[$name]=$(to_ms "$(awk '$1 == "Latency" {print $2; exit}' "$tmp/run")")
	p99[$name]=$(to_ms "$(awk '$1 == "99%" {print $2; exit}' "$tmp/run")")
	printf ' %s req/s\n' "${rps[$name]}" >&2
done

echo
printf '%-18s %12s %10s %10s %14s %12s\n' target 'requests/s' 'mean ms' 'p99 ms' 'conns/rps ms' 'cupid/hello'
for t in "${targets[@]}"; do
	IFS='|' read -r name _ _ <<<"$t"
	ratio=""
	case $name in
	cupid*)
		scheme=${name##* }
		ratio=$(awk -v a="${rps[$name]}" -v b="${rps["hello      $scheme"]}" 'BEGIN {printf "%.2f", a / b}')
		;;
	esac
	little=$(awk -v r="${rps[$name]}" -v c="$CONNS" 'BEGIN {printf "%.3f", 1000 * c / r}')
	printf '%-18s %12s %10s %10s %14s %12s\n' "$name" "${rps[$name]}" "${mean[$name]}" "${p99[$name]}" "$little" "$ratio"
done
echo "mean, p99: wrk's figures, which wrk inflates to correct for coordinated omission;"
echo "conns/rps: the mean time a request really took (Little's law, $CONNS connections always busy);"
echo "cupid/hello: requests/s of cupid over hello on the same scheme (json is compared with hello's xml)"

for who in cupid hello; do
	if [ -s "$tmp/$who.err" ]; then
		echo "== $who wrote to stderr (count, line):"
		sort "$tmp/$who.err" | uniq -c | sort -rn | head -n 10
	fi
done
echo "== all runs: 0 socket errors, 0 non-2xx responses"
