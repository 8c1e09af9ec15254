#!/usr/bin/env bash
# make bench: cupid against nginx, a libmicrohttpd hello-world (bench/hello.c), a bare SQLite
# commit loop (bench/sqlite_commit.c), json-server 0.17.4, cupid on PostgreSQL and the cupid of
# an earlier commit, with wrk, for inventories of BENCH_NS ports (default "10 10000 100000").
# Prints one table, then each performance target with its figure, its ratio and whether it is
# met. Fails when a keep-alive run saw socket errors or non-2xx answers. Installs wrk, nginx
# and PostgreSQL (apt-get) and json-server (npm ci) if missing.
#   BENCH_SECONDS  measured seconds per wrk run (default 10; each run has a 2 s warm-up first)
#   BENCH_NS       inventories to measure (default "10 10000 100000")
#   BENCH_JS_MAX   largest inventory json-server is loaded with (default 1000; larger N use it)
#   BENCH_BEFORE   the git revision whose writes the POST target compares with (default: the
#                  one before the second performance round); empty skips it
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

SECS=${BENCH_SECONDS:-10}
NS=${BENCH_NS:-"10 10000 100000"}
JS_MAX=${BENCH_JS_MAX:-1000}
BEFORE=${BENCH_BEFORE-5352e7e^}
THREADS=1 CONNS=32 WARM=2s DUR=${SECS}s TIMEOUT=10s # wrk's default 2 s timeout cuts json-server's POSTs
BUILD=build/o2 # its own tree, so every object is known to be built with -O2
PORT_ID=ec664876-5879-4cff-a022-4929b37bd575 # a port of the seed fixture
GROUP=575f43be-f5d0-4af7-a689-06d968227ff7   # the seed's SIP port group
AUTH="Authorization: Basic $(printf 'admin:pw' | base64)"
JSON="Accept: application/json"
CLOSE="Connection: close"
ADD_BODY() { printf '{"MediaPortGroupObjectId":"%s","VmsServerName":"ucbu-aricent-vm413","NumberOfPorts":%d}' "$GROUP" "$1"; }

# --- what the run needs --------------------------------------------------------------------
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
apt_pkgs=()
command -v wrk >/dev/null || apt_pkgs+=(wrk)
[ -x "$NGINX" ] || apt_pkgs+=(nginx)
command -v curl >/dev/null || apt_pkgs+=(curl)
command -v node >/dev/null || apt_pkgs+=(nodejs)
command -v npm >/dev/null || apt_pkgs+=(npm)
[ -x /usr/lib/postgresql/15/bin/initdb ] || apt_pkgs+=(postgresql)
if [ "${#apt_pkgs[@]}" -gt 0 ]; then
	echo "== installing ${apt_pkgs[*]} (apt-get)"
	$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_pkgs[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
JS=bench/node_modules/json-server/lib/cli/bin.js
js_version=$(node -p 'require("./bench/node_modules/json-server/package.json").version' 2>/dev/null || true)
if [ "$js_version" != 0.17.4 ]; then
	echo "== installing json-server 0.17.4 (npm ci in bench/)"
	(cd bench && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

echo "== building cupid, hello and sqlite_commit with -O2 into $BUILD"
env -u CFLAGS -u LDFLAGS -u SAN make -s -j2 BUILD="$BUILD" OPT=-O2 "$BUILD/cupid" "$BUILD/bench/hello"
# shellcheck disable=SC2046
cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -o "$BUILD/bench/sqlite_commit" bench/sqlite_commit.c \
	$(pkg-config --cflags --libs sqlite3)

tmp=$(mktemp -d) # on the same disk as cupid's data directories and the SQLite loop
chmod 755 "$tmp" # nginx's worker may run as another user (nobody when started as root)
pids=()
pg_dir=""
bench_cleanup() {
	cleanup
	[ -z "$pg_dir" ] || bash scripts/pg-test-cluster.sh stop "$pg_dir" >/dev/null 2>&1 || true
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
set_pinning

# The earlier cupid, for the POST target: built from git archive with -O2.
old_bin=""
if [ -n "$BEFORE" ] && git rev-parse -q --verify "$BEFORE^{commit}" >/dev/null 2>&1; then
	before_rev=$(git rev-parse --short "$BEFORE")
	echo "== building the cupid of $before_rev (the POST target's reference) with -O2"
	mkdir -p "$tmp/before"
	git archive "$before_rev" | tar -x -C "$tmp/before"
	env -u CFLAGS -u LDFLAGS -u SAN make -s -j2 -C "$tmp/before" BUILD=build OPT=-O2 build/cupid >/dev/null
	old_bin=$tmp/before/build/cupid
fi

# A PostgreSQL cluster of the run's own (fsync off: its speed is not what is measured here).
echo "== starting a PostgreSQL cluster (scripts/pg-test-cluster.sh)"
pg_out=$(bash scripts/pg-test-cluster.sh start)
pg_dir=$(sed -n 's/^dir=//p' <<<"$pg_out")
pg_admin=$(sed -n 's/^uri=//p' <<<"$pg_out")
[ -n "$pg_admin" ] || fail "no PostgreSQL cluster"

# A free TCP port on 127.0.0.1 (nothing answers a connect on it), below the kernel's range of
# ephemeral ports, where a client's own end of a connection could hold it.
free_port() {
	local p lo
	lo=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
	for _ in $(seq 50); do
		p=$((10000 + RANDOM % (lo - 10000)))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
	done
	return 1
}

# Waits until URL answers 200 (json-server, nginx), for up to $2 seconds.
wait_200() {
	local url=$1 n=$(($2 * 10))
	for _ in $(seq "$n"); do
		[ "$(curl -sk -o /dev/null -w '%{http_code}' "$url" 2>/dev/null)" = 200 ] && return 0
		sleep 0.1
	done
	return 1
}

# Starts cupid on data directory $1 with synchronous=$2 (and further settings); sets cupid_pid,
# cupid_http, cupid_https.
start_cupid() {
	local data=$1 sync=$2
	shift 2
	"${srv[@]}" "${run_bin:-$BUILD/cupid}" --https.listen=127.0.0.1:0 --http.listen=127.0.0.1:0 \
		--data_dir="$data" --fixture=seed --user.admin=administrator:pw --log.level=warn \
		--license.voice_ports=1000000 --sqlite.synchronous="$sync" "$@" \
		>"$tmp/cupid.out" 2>>"$tmp/cupid.err" &
	cupid_pid=$!
	pids+=("$cupid_pid")
	cupid_https=$(listen_url "$tmp/cupid.out" "$cupid_pid" https) || { cat "$tmp/cupid.err" >&2; fail "cupid did not start"; }
	cupid_http=$(listen_url "$tmp/cupid.out" "$cupid_pid" http) || { cat "$tmp/cupid.err" >&2; fail "cupid did not start"; }
}

hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

# GET $2 on cupid with extra header $3 into file $1 (body; $1.hdr headers); must answer 200.
cupid_get() {
	local code args=(-sS -k -H "$AUTH" -D "$1.hdr" -o "$1" -w '%{http_code}')
	[ -n "${3:-}" ] && args+=(-H "$3")
	code=$(curl "${args[@]}" "$cupid_http$2")
	[ "$code" = 200 ] || fail "cupid answered $code to GET $2"
}

# Total number of ports cupid holds.
cupid_total() {
	cupid_get "$tmp/total.json" "/vmrest/ports?rowsPerPage=1" "$JSON"
	node -p 'JSON.parse(require("fs").readFileSync(process.argv[1]))["@total"]' "$tmp/total.json"
}

# Adds ports until cupid holds $1 (ports come in even numbers: one more if $1 is odd).
populate() {
	local want=$1 have add code
	have=$(cupid_total)
	while [ "$have" -lt "$want" ]; do
		add=$((want - have))
		[ "$add" -gt 10000 ] && add=10000
		add=$(((add + 1) / 2 * 2))
		code=$(curl -sS -k -H "$AUTH" -H 'Content-Type: application/json' -o "$tmp/add.out" -w '%{http_code}' \
			--data-binary "$(ADD_BODY "$add")" "$cupid_http/vmrest/ports")
		[ "$code" = 201 ] || { cat "$tmp/add.out" >&2; fail "adding $add ports answered $code"; }
		have=$(cupid_total)
	done
	echo "$have"
}

# --- measuring -------------------------------------------------------------------------------
rows=()
declare -A rps p50 p99 sockerr nref href jref sref qref bref rss note

# Runs wrk: warm-up, then the measured run; records row $1. $2 url, $3 pid of the server,
# $4 mode (get | close | write: $BENCH_METHOD with $BENCH_BODY), then extra headers. Socket errors fail the run except in close
# mode (they are recorded and printed); non-2xx always fails.
measure() {
	local name=$1 url=$2 pid=$3 mode=$4 h
	shift 4
	local args=(-t"$THREADS" -c"$CONNS" --timeout "$TIMEOUT" --latency -H "$AUTH")
	for h in "$@"; do args+=(-H "$h"); done
	[ "$mode" = close ] && args+=(-H "$CLOSE")
	[ "$mode" = write ] && args+=(-s bench/write.lua)
	printf '   %-34s ...' "$name" >&2
	local d out
	for d in "$WARM" "$DUR"; do
		out=$tmp/wrk.out
		"${cli[@]}" wrk "${args[@]}" -d"$d" "$url" >"$out" 2>&1 || { cat "$out" >&2; fail "$name: wrk exited with an error"; }
		if grep -q '^ *Non-2xx' "$out" || ! grep -q '^Requests/sec' "$out" || grep -q '^ *0 requests in' "$out" ||
			{ [ "$mode" != close ] && grep -q '^ *Socket errors' "$out"; }; then
			cat "$out" >&2
			fail "$name: wrk saw errors (output above)"
		fi
		kill -0 "$pid" 2>/dev/null || fail "$name: the server died during the run"
	done
	rows+=("$name")
	rps[$name]=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$out")
	p50[$name]=$(to_ms "$(awk '$1 == "50%" {print $2; exit}' "$out")")
	p99[$name]=$(to_ms "$(awk '$1 == "99%" {print $2; exit}' "$out")")
	sockerr[$name]=$(awk '/Socket errors/ {gsub(/,/, ""); printf "c%d r%d w%d t%d", $4, $6, $8, $10}' "$out")
	printf ' %s req/s%s\n' "${rps[$name]}" "${sockerr[$name]:+ (socket errors: ${sockerr[$name]})}" >&2
}

# The limit for writes: bare SQLite commits of one small row (WAL, synchronous=$2) on the same
# disk, for as long as a wrk run, recorded as row "sqlite_commit $1" (commits/s).
sqlite_commits() {
	local name="sqlite_commit $1"
	printf '   %-34s ...' "$name" >&2
	rm -f "$tmp/commit.db" "$tmp/commit.db-wal" "$tmp/commit.db-shm"
	"${srv[@]}" "$BUILD/bench/sqlite_commit" "$tmp/commit.db" "$2" "$SECS" >"$tmp/commit.out" ||
		fail "sqlite_commit $2 failed"
	rows+=("$name")
	rps[$name]=$(awk '{print $1}' "$tmp/commit.out")
	printf ' %s commits/s\n' "${rps[$name]}" >&2
}

read -r -a ns_arr <<<"$NS"
echo "== wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'): -t$THREADS -c$CONNS --timeout $TIMEOUT, $WARM warm-up then $DUR measured," \
	"--latency; $pinning; inventories: ${ns_arr[*]} ports"

first=1
for N in "${ns_arr[@]}"; do
	echo "== N=$N: cupid (sqlite.synchronous=full, licence 1000000), loading $N ports"
	data=$tmp/data-$N
	mkdir -p "$data"
	start_cupid "$data" full
	have=$(populate "$N")
	[ "$have" = "$N" ] || echo "   (cupid holds $have ports: the seed's plus even additions)"
	P=/vmrest/ports/$PORT_ID
	LIST=/vmrest/ports
	cupid_get "$tmp/port.xml" "$P"
	cupid_get "$tmp/port.json" "$P" "$JSON"
	cupid_get "$tmp/page-$N.json" "$LIST?rowsPerPage=100&pageNumber=1" "$JSON"
	# PostgreSQL gets the same inventory (cupid export, then import into a new database).
	pg_db=${pg_admin%/*}/bench_$N
	PGOPTIONS=--client-min-messages=warning psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS bench_$N" -c "CREATE DATABASE bench_$N" >/dev/null
	mkdir -p "$tmp/pgdata-$N"
	"$BUILD/cupid" export --data_dir="$data" >"$tmp/inventory.json" 2>"$tmp/export.err" ||
		{ cat "$tmp/export.err" >&2; fail "cupid export failed"; }
	"$BUILD/cupid" import "$tmp/inventory.json" --database="$pg_db" --data_dir="$tmp/pgdata-$N" \
		--license.voice_ports=1000000 >"$tmp/import.out" 2>&1 || { cat "$tmp/import.out" >&2; fail "cupid import into PostgreSQL failed"; }

	if [ "$first" = 1 ]; then
		first=0
		# nginx: the one-port XML from memory (return), pages of 100 from files (open_file_cache),
		# plain and TLS with cupid's certificate.
		cp "$data/cupid-cert.pem" "$tmp/cert.pem"
		cp "$data/cupid-key.pem" "$tmp/key.pem"
		grep -q '\$' "$tmp/port.xml" && fail "the port body holds a \$, which nginx's return would expand"
		escaped=$(sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g" "$tmp/port.xml")
		ctype_xml=$(awk -F': *' 'tolower($1) == "content-type" {sub(/\r$/, "", $2); print $2}' "$tmp/port.xml.hdr")
		ctype_json=$(awk -F': *' 'tolower($1) == "content-type" {sub(/\r$/, "", $2); print $2}' "$tmp/page-$N.json.hdr")
		mkdir -p "$tmp/nginx/www"
		ng_http=$(free_port) ng_https=$(free_port)
		[ "$ng_http" != "$ng_https" ] || fail "no two free ports"
		cat >"$tmp/nginx/nginx.conf" <<-EOF
			daemon off;
			worker_processes 1;
			pid $tmp/nginx/nginx.pid;
			error_log $tmp/nginx/error.log warn;
			events { worker_connections 1024; }
			http {
			    access_log off;
			    keepalive_requests 100000000;
			    etag off;
			    server_tokens off;
			    sendfile on;
			    tcp_nopush on;
			    client_body_temp_path $tmp/nginx/body;
			    proxy_temp_path $tmp/nginx/proxy;
			    fastcgi_temp_path $tmp/nginx/fastcgi;
			    uwsgi_temp_path $tmp/nginx/uwsgi;
			    scgi_temp_path $tmp/nginx/scgi;
			    open_file_cache max=100 inactive=600s;
			    open_file_cache_valid 600s;
			    server {
			        listen 127.0.0.1:$ng_http;
			        listen 127.0.0.1:$ng_https ssl;
			        ssl_certificate $tmp/cert.pem;
			        ssl_certificate_key $tmp/key.pem;
			        ssl_protocols TLSv1.2 TLSv1.3;
			        location = /port.xml {
			            default_type "$ctype_xml";
			            return 200 '$escaped';
			        }
			        location / {
			            root $tmp/nginx/www;
			            default_type "$ctype_json";
			            types { }
			        }
			    }
			}
		EOF
		"${srv[@]}" "$NGINX" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" \
			>"$tmp/nginx.out" 2>&1 &
		nginx_pid=$!
		pids+=("$nginx_pid")
		wait_200 "http://127.0.0.1:$ng_http/port.xml" 10 || { cat "$tmp/nginx.out" "$tmp/nginx/error.log" >&2; fail "nginx did not start"; }
		curl -sS -k -o "$tmp/check" "https://127.0.0.1:$ng_https/port.xml"
		cmp -s "$tmp/check" "$tmp/port.xml" || fail "nginx's one-port body differs from cupid's"

		"${srv[@]}" "$BUILD/bench/hello" "$tmp/port.xml" "$tmp/cert.pem" "$tmp/key.pem" "$tmp/port.xml.hdr" \
			>"$tmp/hello.out" 2>"$tmp/hello.err" &
		hello_pid=$!
		pids+=("$hello_pid")
		hello_https=$(listen_url "$tmp/hello.out" "$hello_pid" https) || { cat "$tmp/hello.err" >&2; fail "hello did not start"; }
		hello_http=$(listen_url "$tmp/hello.out" "$hello_pid" http) || { cat "$tmp/hello.err" >&2; fail "hello did not start"; }

		echo "== baselines: cupid's one-port XML is $(wc -c <"$tmp/port.xml") bytes"
	fi
	cp "$tmp/page-$N.json" "$tmp/nginx/www/page-$N.json"
	code=$(curl -sS -k -o "$tmp/check" -w '%{http_code}' "http://127.0.0.1:$ng_http/page-$N.json")
	[ "$code" = 200 ] || { cat "$tmp/nginx/error.log" >&2; fail "nginx answered $code to GET /page-$N.json"; }
	cmp -s "$tmp/check" "$tmp/page-$N.json" || fail "nginx's page body differs from cupid's"

	# Each baseline runs right before the cupid run it is compared with: this machine's speed
	# drifts over minutes, so a ratio is only fair between neighbours.
	echo "== N=$N: cupid, each comparison right after its baseline"
	c="cupid N=$N"
	measure "nginx N=$N port xml http" "http://127.0.0.1:$ng_http/port.xml" "$nginx_pid" get
	measure "hello N=$N port xml http" "$hello_http/port" "$hello_pid" get
	measure "$c port xml http" "$cupid_http$P" "$cupid_pid" get
	nref["$c port xml http"]="nginx N=$N port xml http"
	href["$c port xml http"]="hello N=$N port xml http"
	# The same GET on PostgreSQL right after (its own process on a copy of the inventory),
	# with invalidations pushed (the default) and with the change counter read every time.
	for notify in true false; do
		pr="cupid N=$N postgresql port xml http notify=$notify"
		cupid_http_sq=$cupid_http cupid_pid_sq=$cupid_pid cupid_https_sq=$cupid_https
		start_cupid "$tmp/pgdata-$N" full --database="$pg_db" --postgresql.notify="$notify"
		cupid_get "$tmp/check" "$P"
		cmp -s "$tmp/check" "$tmp/port.xml" || fail "cupid on PostgreSQL answers another body"
		measure "$pr" "$cupid_http$P" "$cupid_pid" get
		qref["$pr"]="$c port xml http"
		stop_pid "$cupid_pid"
		cupid_http=$cupid_http_sq cupid_pid=$cupid_pid_sq cupid_https=$cupid_https_sq
	done
	measure "$c port json http" "$cupid_http$P" "$cupid_pid" get "$JSON"
	measure "nginx N=$N port xml https" "https://127.0.0.1:$ng_https/port.xml" "$nginx_pid" get
	measure "hello N=$N port xml https" "$hello_https/port" "$hello_pid" get
	measure "$c port xml https" "$cupid_https$P" "$cupid_pid" get
	nref["$c port xml https"]="nginx N=$N port xml https"
	href["$c port xml https"]="hello N=$N port xml https"
	measure "$c port json https" "$cupid_https$P" "$cupid_pid" get "$JSON"
	measure "nginx N=$N port xml https close" "https://127.0.0.1:$ng_https/port.xml" "$nginx_pid" close
	measure "$c port xml https close" "$cupid_https$P" "$cupid_pid" close
	nref["$c port xml https close"]="nginx N=$N port xml https close"
	measure "$c port json https close" "$cupid_https$P" "$cupid_pid" close "$JSON"
	measure "nginx N=$N page 1 json http" "http://127.0.0.1:$ng_http/page-$N.json" "$nginx_pid" get
	measure "$c list json http page 1" "$cupid_http$LIST?rowsPerPage=100&pageNumber=1" "$cupid_pid" get "$JSON"
	nref["$c list json http page 1"]="nginx N=$N page 1 json http"
	if [ "$N" -ge 5000 ]; then
		cupid_get "$tmp/check" "$LIST?rowsPerPage=100&pageNumber=50" "$JSON"
		measure "$c list json http page 50" "$cupid_http$LIST?rowsPerPage=100&pageNumber=50" "$cupid_pid" get "$JSON"
	fi
	q="$LIST?query=(MediaPortGroupObjectId%20is%20$GROUP)&rowsPerPage=100"
	cupid_get "$tmp/check" "$q" "$JSON"
	measure "$c query json http" "$cupid_http$q" "$cupid_pid" get "$JSON"
	rss[$N]=$(hwm_kb "$cupid_pid")
	stop_pid "$cupid_pid"

	# The same reads with the response cache off: every request reads the database.
	start_cupid "$data" full --cache.max_bytes=0
	measure "$c port xml http, no cache" "$cupid_http$P" "$cupid_pid" get
	nref["$c port xml http, no cache"]="nginx N=$N port xml http"
	measure "$c list json http page 1, no cache" "$cupid_http$LIST?rowsPerPage=100&pageNumber=1" "$cupid_pid" get "$JSON"
	nref["$c list json http page 1, no cache"]="nginx N=$N page 1 json http"
	measure "$c query json http, no cache" "$cupid_http$q" "$cupid_pid" get "$JSON"
	h=$(hwm_kb "$cupid_pid")
	[ "$h" -gt "${rss[$N]}" ] && rss[$N]=$h
	stop_pid "$cupid_pid"

	# Writes last (they add ports): POST of 2 ports and PUT of one port, for each durability.
	export BENCH_BODY BENCH_METHOD
	for sync in full normal; do
		if [ "$sync" = normal ] && [ -n "$old_bin" ]; then
			# The earlier build on an inventory of its own (its schema is older), right before.
			mkdir -p "$tmp/olddata-$N"
			run_bin=$old_bin start_cupid "$tmp/olddata-$N" normal
			populate "$N" >/dev/null
			BENCH_METHOD=POST BENCH_BODY=$(ADD_BODY 2)
			measure "cupid $before_rev N=$N POST 2 ports http sync=normal" "$cupid_http$LIST" "$cupid_pid" write
			stop_pid "$cupid_pid"
			bref["$c POST 2 ports http sync=normal"]="cupid $before_rev N=$N POST 2 ports http sync=normal"
		fi
		sqlite_commits "N=$N sync=$sync" "$sync"
		start_cupid "$data" "$sync"
		BENCH_METHOD=POST BENCH_BODY=$(ADD_BODY 2)
		measure "$c POST 2 ports http sync=$sync" "$cupid_http$LIST" "$cupid_pid" write
		sref["$c POST 2 ports http sync=$sync"]="sqlite_commit N=$N sync=$sync"
		BENCH_METHOD=PUT BENCH_BODY='{"DisplayName":"bench-put","HuntOrder":7}'
		measure "$c PUT 1 port http sync=$sync" "$cupid_http$P" "$cupid_pid" write
		sref["$c PUT 1 port http sync=$sync"]="sqlite_commit N=$N sync=$sync"
		h=$(hwm_kb "$cupid_pid")
		[ "$h" -gt "${rss[$N]}" ] && rss[$N]=$h
		stop_pid "$cupid_pid"
	done
	note["$c port xml http"]=rss

	# json-server: the same port records (cupid's JSON, ObjectId as id), at most JS_MAX of them.
	jn=$N
	[ "$jn" -gt "$JS_MAX" ] && jn=$JS_MAX
	echo "== json-server 0.17.4 with $jn port records$([ "$jn" != "$N" ] && echo " (not $N: json-server loads and rewrites its whole file)")"
	start_cupid "$data" normal
	mkdir -p "$tmp/js-$N"
	for k in $(seq $(((jn + 99) / 100))); do
		cupid_get "$tmp/js-$N/p$k.json" "$LIST?rowsPerPage=100&pageNumber=$k" "$JSON"
	done
	stop_pid "$cupid_pid"
	node -e '
		const fs = require("fs"), [dir, n] = [process.argv[1], +process.argv[2]];
		let ports = [];
		for (const f of fs.readdirSync(dir).filter(f => /^p\d+\.json$/.test(f)).sort((a, b) => parseInt(a.slice(1)) - parseInt(b.slice(1)))) {
			const p = JSON.parse(fs.readFileSync(dir + "/" + f)).Port;
			ports = ports.concat(Array.isArray(p) ? p : [p]);
		}
		ports = ports.slice(0, n).map(p => Object.assign({id: p.ObjectId}, p));
		fs.writeFileSync(dir + "/db.json", JSON.stringify({ports}, null, 2));
		fs.writeFileSync(dir + "/id", ports[0].id);
		const body = Object.assign({}, ports[0]); delete body.id; delete body.ObjectId; delete body.URI;
		fs.writeFileSync(dir + "/post.json", JSON.stringify(body));
	' "$tmp/js-$N" "$jn"
	js_port=$(free_port)
	"${srv[@]}" node "$JS" --host 127.0.0.1 --port "$js_port" --quiet "$tmp/js-$N/db.json" \
		>"$tmp/js.out" 2>&1 &
	js_pid=$!
	pids+=("$js_pid")
	js=http://127.0.0.1:$js_port
	wait_200 "$js/ports?_limit=1" 120 || { cat "$tmp/js.out" >&2; fail "json-server did not start"; }
	j="json-server N=$jn"
	if [ -z "${rps["$j port json http"]:-}" ]; then # measured once per record count
		measure "$j port json http" "$js/ports/$(cat "$tmp/js-$N/id")" "$js_pid" get "$JSON"
		measure "$j page 1 json http" "$js/ports?_page=1&_limit=100" "$js_pid" get "$JSON"
		BENCH_METHOD=POST BENCH_BODY=$(cat "$tmp/js-$N/post.json")
		measure "$j POST 1 port http" "$js/ports" "$js_pid" write
	fi
	jref["$c port json http"]="$j port json http"
	jref["$c list json http page 1"]="$j page 1 json http"
	jref["$c POST 2 ports http sync=full"]="$j POST 1 port http"
	jref["$c POST 2 ports http sync=normal"]="$j POST 1 port http"
	stop_pid "$js_pid"
done

# How long another process serves the body from before a write, with notify on (not pinned:
# on one core the client and both servers would take turns, and that is what would be measured).
echo "== PostgreSQL: another process's lag behind a write (bench/notify_lag.py, 1000 rounds)"
PGOPTIONS=--client-min-messages=warning psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS bench_lag" -c "CREATE DATABASE bench_lag" >/dev/null
lag_line=$(python3 bench/notify_lag.py "$BUILD/cupid" "${pg_admin%/*}/bench_lag" 1000) || fail "notify_lag failed"
echo "   $lag_line"

# --- the table -------------------------------------------------------------------------------
echo
row='%-56s %9s %8s %8s %7s %7s %7s %8s %8s %8s %9s  %s\n'
# shellcheck disable=SC2059 # the format is the constant above
printf "$row" target 'req/s' 'p50 ms' 'p99 ms' 'x nginx' 'x hello' 'x j-srv' 'x commit' 'x sqlite' 'x before' 'peak RSS' 'socket errors'
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
for r in "${rows[@]}"; do
	xn="" xh="" xj="" xs="" xq="" xb="" m=""
	[ -n "${nref[$r]:-}" ] && xn=$(ratio "${rps[$r]}" "${rps[${nref[$r]}]}")
	[ -n "${href[$r]:-}" ] && xh=$(ratio "${rps[$r]}" "${rps[${href[$r]}]}")
	[ -n "${jref[$r]:-}" ] && xj=$(ratio "${rps[$r]}" "${rps[${jref[$r]}]}")
	[ -n "${sref[$r]:-}" ] && xs=$(ratio "${rps[$r]}" "${rps[${sref[$r]}]}")
	[ -n "${qref[$r]:-}" ] && xq=$(ratio "${rps[$r]}" "${rps[${qref[$r]}]}")
	[ -n "${bref[$r]:-}" ] && xb=$(ratio "${rps[$r]}" "${rps[${bref[$r]}]}")
	if [ -n "${note[$r]:-}" ]; then
		n=${r#cupid N=}
		n=${n%% *}
		m="$((rss[$n] / 1024)) MiB"
	fi
	# shellcheck disable=SC2059
	printf "$row" "$r" "${rps[$r]}" "${p50[$r]:-}" "${p99[$r]:-}" "$xn" "$xh" "$xj" "$xs" "$xq" "$xb" "$m" "${sockerr[$r]:-}"
done
echo "req/s, p50, p99: wrk -t$THREADS -c$CONNS --timeout $TIMEOUT, ${DUR} after a $WARM warm-up; $pinning"
echo "x nginx: cupid req/s over nginx serving the same body bytes (one port: from memory with return;"
echo "  page 1: cupid's page in a file, open_file_cache and sendfile on; access log and etag off,"
echo "  unlimited keep-alive), measured just before; x hello: over the libmicrohttpd hello-world"
echo "  (bench/hello.c) answering the one-port XML, measured just before;"
echo "  x j-srv: over json-server on the same"
echo "  workload (GET one record, GET 100 records, POST: cupid adds 2 ports, json-server 1 record);"
echo "  x commit: over the commits/s of bench/sqlite_commit.c (one small row per transaction, no HTTP)"
echo "  with the same synchronous setting, measured just before"
echo "x sqlite: cupid on PostgreSQL (a cluster of this run's own, same inventory) over cupid on SQLite,"
echo "  measured just before; notify=false reads the change counter on every cached GET"
echo "x before: over the cupid of ${before_rev:-(none)} on the same workload, measured just before"
echo "no cache: cupid started with cache.max_bytes=0 (every GET reads the database)"
echo "peak RSS: cupid's VmHWM for that N, on its first row (largest of its four processes: cache on, cache off,"
echo "  writes with sync=full, writes with sync=normal)"
echo "socket errors (connect/read/write/timeout): only Connection: close runs may have them"
echo "== all keep-alive runs: 0 socket errors; all runs: 0 non-2xx responses"

# --- the targets -----------------------------------------------------------------------------
echo
echo "== targets (each a ratio in this run)"
trow='%-60s %10s %10s %7s %7s  %s\n'
# shellcheck disable=SC2059
printf "$trow" target figure reference ratio want result
met=0 missed=0
# target NAME FIGURE REFERENCE WANT [le]: the ratio FIGURE/REFERENCE must be >= WANT (with le:
# FIGURE itself must be < WANT, and REFERENCE is "-").
target() {
	local name=$1 fig=$2 ref=$3 want=$4 how=${5:-ge} r ok
	if [ "$how" = lt ]; then
		r=-
		ok=$(awk -v a="$fig" -v b="$want" 'BEGIN {print (a < b) ? 1 : 0}')
	else
		r=$(ratio "$fig" "$ref")
		ok=$(awk -v a="$r" -v b="$want" 'BEGIN {print (a >= b) ? 1 : 0}')
	fi
	if [ "$ok" = 1 ]; then met=$((met + 1)); else missed=$((missed + 1)); fi
	# shellcheck disable=SC2059
	printf "$trow" "$name" "$fig" "$ref" "$r" "$([ "$how" = lt ] && echo "< $want" || echo ">= $want")" \
		"$([ "$ok" = 1 ] && echo met || echo MISSED)"
}
for N in "${ns_arr[@]}"; do
	c="cupid N=$N"
	target "N=$N GET one port, plain HTTP, x nginx" "${rps["$c port xml http"]}" "${rps["nginx N=$N port xml http"]}" 0.8
	target "N=$N GET one port, HTTPS keep-alive, x nginx" "${rps["$c port xml https"]}" "${rps["nginx N=$N port xml https"]}" 0.8
	if [ "$N" -ge 100 ]; then # a page of 100 ports
		target "N=$N page of 100, cache off, x nginx" "${rps["$c list json http page 1, no cache"]}" "${rps["nginx N=$N page 1 json http"]}" 0.5
	fi
	target "N=$N GET one port on PostgreSQL (notify), x SQLite" "${rps["cupid N=$N postgresql port xml http notify=true"]}" "${rps["$c port xml http"]}" 0.8
	if [ -n "${bref["$c POST 2 ports http sync=normal"]:-}" ]; then
		target "N=$N POST 2 ports, sync=normal, x cupid $before_rev" "${rps["$c POST 2 ports http sync=normal"]}" "${rps[${bref["$c POST 2 ports http sync=normal"]}]}" 2
	fi
	target "N=$N p99 of GET one port at $CONNS connections (ms)" "${p99["$c port xml http"]}" - 2 lt
	if [ "$N" -ge 100000 ]; then
		target "N=$N peak RSS (MiB)" "$((rss[$N] / 1024))" - 30 lt
	fi
done
echo "== targets: $met met, $missed missed"
echo "PostgreSQL $lag_line"
