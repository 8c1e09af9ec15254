#!/usr/bin/env bash
# make bench-quick: GET /vmrest/ports/{id} on cupid against a libmicrohttpd hello-world that
# answers with the same bytes (bench/hello.c), over HTTPS and HTTP keep-alive, with wrk; and,
# in the same run, GET /vmrest/portgroups/{id}/portgroupservers (a group with three servers).
# Prints figures; not a test with a time limit. Fails only when a run saw errors. About 100 s.
# CUPID_ARGS adds settings to cupid's command line (e.g. CUPID_ARGS=--journal.max_entries=0).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT_ID=ec664876-5879-4cff-a022-4929b37bd575
GROUP_ID=3c011243-e3e2-42f7-b658-d9fbdc966f26 # the seed's SCCP group: three servers
AUTH="Authorization: Basic $(printf 'admin:pw' | base64)"
THREADS=1 CONNS=32 WARM=2s DUR=10s
BUILD=build/o2 # its own tree, so every object is known to be built with -O2

for tool in wrk curl; do
	command -v "$tool" >/dev/null || { echo "quick.sh: $tool is missing (bash scripts/deps.sh)" >&2; exit 1; }
done

# shellcheck source=bench/lib.sh
source bench/lib.sh
tmp=$(mktemp -d)
pids=()
trap cleanup EXIT
trap 'exit 130' INT TERM


echo "== building cupid and hello with -O2 into $BUILD"
env -u CFLAGS -u LDFLAGS -u SAN make -s -j2 BUILD="$BUILD" OPT=-O2 "$BUILD/cupid" "$BUILD/bench/hello"

set_pinning


data="$tmp/data"
mkdir -p "$data"
"${srv[@]}" "$BUILD/cupid" --https.listen=127.0.0.1:0 --http.listen=127.0.0.1:0 \
	--data_dir="$data" --fixture=seed --user.admin=administrator:pw --log.level=warn \
	${CUPID_ARGS:-} >"$tmp/cupid.out" 2>"$tmp/cupid.err" &
cupid_pid=$!
pids+=("$cupid_pid")
cupid_https=$(listen_url "$tmp/cupid.out" "$cupid_pid" https) || { cat "$tmp/cupid.err" >&2; fail "cupid did not start"; }
cupid_http=$(listen_url "$tmp/cupid.out" "$cupid_pid" http) || { cat "$tmp/cupid.err" >&2; fail "cupid did not start"; }

# The bytes hello will serve: cupid's own answer, body and headers.
path="/vmrest/ports/$PORT_ID"
spath="/vmrest/portgroups/$GROUP_ID/portgroupservers"
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
	"cupid srv  https|$cupid_https$spath|"
	"cupid srv-j https|$cupid_https$spath|Accept: application/json"
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

# CPU ticks: "total busy" of the whole machine, of one process, and of this shell's reaped
# children (wrk). Busy counts irq and softirq (a process's own time can include them) and steal.
# What is busy and none of these is other load.
ticks_all() { awk '/^cpu / {print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
ticks_pid() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Sets child_ticks. Must run in this shell, never in $(...): a subshell has no reaped children.
ticks_children() {
	times >"$tmp/times"
	child_ticks=$(awk -v hz="$(getconf CLK_TCK)" 'NR == 2 {
		t = 0
		for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); t += p[1] * 60 + p[2] }
		printf "%d", t * hz }' "$tmp/times")
}

# Other work on the machine skews every figure; say how busy it was just before measuring.
read -r all0 busy0 < <(ticks_all)
sleep 1
read -r all1 busy1 < <(ticks_all)
echo "== cpu busy in the second before measuring: $((100 * (busy1 - busy0) / (all1 - all0)))%" \
	"(servers idle; above a few % means other load)"

echo "== wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'): $THREADS thread, $CONNS connections, keep-alive," \
	"$WARM warm-up then $DUR measured, --latency; $pinning"
echo "== GET $path ($(wc -c <"$tmp/port.body") bytes XML); cupid with Basic auth; hello with the same bytes"
echo "== srv: GET $spath ($(curl -sS -k -H "$AUTH" "$cupid_https$spath" | wc -c) bytes XML), against hello's port"


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
order=(3 0 1 5 6 2 4)
declare -A rps mean p99 other usreq srvcpu clicpu
hz=$(getconf CLK_TCK)
for i in "${order[@]}"; do
	IFS='|' read -r name url hdr <<<"${targets[$i]}"
	case $name in cupid*) pid=$cupid_pid ;; *) pid=$hello_pid ;; esac
	printf '   %-17s ...' "$name" >&2
	run_wrk "$tmp/warm" "$WARM" "$url" "$hdr" "$pid" "$name (warm-up)"
	ticks_children
	cli0=$child_ticks srv0=$(ticks_pid "$pid")
	read -r all0 busy0 < <(ticks_all)
	run_wrk "$tmp/run" "$DUR" "$url" "$hdr" "$pid" "$name"
	read -r all1 busy1 < <(ticks_all)
	srv1=$(ticks_pid "$pid")
	ticks_children
	cli1=$child_ticks
	dsrv=$((srv1 - srv0)) dcli=$((cli1 - cli0)) dall=$((all1 - all0))
	core=$((dall / $(nproc))) # ticks one core had during the run
	n=$(awk '$2 == "requests" && $3 == "in" {print $1}' "$tmp/run")
	rps[$name]=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/run")
	mean[$name]=$(to_ms "$(awk '$1 == "Latency" {print $2; exit}' "$tmp/run")")
	p99[$name]=$(to_ms "$(awk '$1 == "99%" {print $2; exit}' "$tmp/run")")
	usreq[$name]=$(awk -v t="$dsrv" -v hz="$hz" -v n="$n" 'BEGIN {printf "%.1f", 1e6 * t / hz / n}')
	srvcpu[$name]=$((100 * dsrv / core)) clicpu[$name]=$((100 * dcli / core))
	o=$((busy1 - busy0 - dsrv - dcli))
	other[$name]=$((o > 0 ? 100 * o / dall : 0))
	printf ' %s req/s\n' "${rps[$name]}" >&2
done

row='%-17s %10s %8s %8s %9s %7s %5s %5s %5s %7s %7s\n'
echo
# shellcheck disable=SC2059 # the format is the constant above
printf "$row" "" "" "wrk" "wrk" "$CONNS/rps" "server" "srv" "wrk" "other" "cupid/h" "cupid/h"
# shellcheck disable=SC2059
printf "$row" target 'requests/s' 'mean ms' 'p99 ms' 'ms' 'us/req' 'cpu%' 'cpu%' 'cpu%' 'req/s' 'us/req'
noisy=0 wrkbound=""
for t in "${targets[@]}"; do
	IFS='|' read -r name _ _ <<<"$t"
	r1="" r2=""
	case $name in
	cupid*)
		h="hello      ${name##* }"
		r1=$(awk -v a="${rps[$name]}" -v b="${rps[$h]}" 'BEGIN {printf "%.2f", a / b}')
		r2=$(awk -v a="${usreq[$name]}" -v b="${usreq[$h]}" 'BEGIN {printf "%.2f", a / b}')
		;;
	esac
	little=$(awk -v r="${rps[$name]}" -v c="$CONNS" 'BEGIN {printf "%.3f", 1000 * c / r}')
	# shellcheck disable=SC2059
	printf "$row" "$name" "${rps[$name]}" "${mean[$name]}" "${p99[$name]}" "$little" "${usreq[$name]}" \
		"${srvcpu[$name]}" "${clicpu[$name]}" "${other[$name]}" "$r1" "$r2"
	[ "${other[$name]}" -gt 5 ] && noisy=1
	[ "${clicpu[$name]}" -ge 95 ] && wrkbound+="${wrkbound:+, }$(tr -s ' ' <<<"$name")"
done
echo "wrk mean, p99: as wrk prints them, inflated by its correction for coordinated omission;"
echo "$CONNS/rps: the mean time a request really took (Little's law, all $CONNS connections busy);"
echo "server us/req: cpu time of the server process (all threads, kernel time included) per request;"
echo "cpu%: of one core; other: cpu used by neither the server nor wrk, of all $(nproc) cores;"
echo "cupid/h: cupid over hello on the same scheme (json against hello's xml); us/req above 1 = dearer"
if [ -n "$wrkbound" ]; then
	echo "== NOTE: wrk saturated its core in: $wrkbound; there requests/s is a floor of what the"
	echo "   server can do and the us/req columns compare the servers better"
fi
if [ "$noisy" = 1 ]; then
	echo "== WARNING: other processes used the cpu during some runs; their figures are not comparable"
fi

for who in cupid hello; do
	if [ -s "$tmp/$who.err" ]; then
		echo "== $who wrote to stderr (count, line):"
		sort "$tmp/$who.err" | uniq -c | sort -rn | head -n 10
	fi
done
echo "== all runs: 0 socket errors, 0 non-2xx responses"
