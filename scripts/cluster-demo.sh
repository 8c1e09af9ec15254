#!/usr/bin/env bash
# Several cupid processes on one PostgreSQL database behind a load balancer, all on this machine
# and all thrown away at the end (README: "Several processes on PostgreSQL"):
#
#   client --HTTPS--> nginx 127.0.0.1:<lb> --HTTPS--> cupid A 127.0.0.1:<a> --+
#                                          \-------> cupid B 127.0.0.1:<b> --+--> PostgreSQL
#
# It starts a throwaway PostgreSQL cluster (scripts/pg-test-cluster.sh), two cupids sharing one
# database with --public_url pointing at the balancer, and nginx in the foreground with its
# configuration and logs in a temp dir; runs a smoke test through the balancer; and stops
# everything it started. With --wait it keeps everything running until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
WAIT=0
[ "${1:-}" = "--wait" ] && WAIT=1
for tool in nginx psql curl; do
	command -v "$tool" >/dev/null || { echo "cluster-demo: $tool is missing (bash scripts/deps.sh)" >&2; exit 1; }
done
make -s cupid

tmp=$(mktemp -d /tmp/cupid-cluster.XXXXXX)
pgdir=""
pids=()
cleanup() {
	set +e
	for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
	[ -z "$pgdir" ] || bash scripts/pg-test-cluster.sh stop "$pgdir"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# 1. PostgreSQL, and one database for cupid.
out=$(bash scripts/pg-test-cluster.sh start)
pgdir=$(sed -n 's/^dir=//p' <<<"$out")
admin_uri=$(sed -n 's/^uri=//p' <<<"$out")
psql -X -q -d "$admin_uri" -c "CREATE DATABASE cupid"
db=${admin_uri%/postgres}/cupid
echo "cluster-demo: PostgreSQL at $db"

# 2. Two cupids on that database. Links they write (Location) name the balancer.
lb_port=$(free_port)
public=https://127.0.0.1:$lb_port
pw=$(head -c 30 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)
declare -A port
for n in a b; do
	./cupid --data_dir="$tmp/$n" --database="$db" --https.listen=127.0.0.1:0 --http.listen= \
		--public_url="$public" --fixture=seed --user.admin="administrator:$pw" \
		--log.level=warn >"$tmp/$n.out" 2>"$tmp/$n.err" &
	pids+=($!)
	for _ in $(seq 100); do
		grep -q 'listening on' "$tmp/$n.out" 2>/dev/null && break
		kill -0 "${pids[-1]}" 2>/dev/null || { cat "$tmp/$n.err" >&2; exit 1; }
		sleep 0.1
	done
	port[$n]=$(sed -n 's|^cupid: listening on https://127.0.0.1:||p' "$tmp/$n.out")
	[ -n "${port[$n]}" ] || { echo "cluster-demo: cupid $n did not start" >&2; exit 1; }
	echo "cluster-demo: cupid $n on https://127.0.0.1:${port[$n]}"
done

# 3. nginx in the foreground, everything of it in the temp dir. When run as root its workers
# run as nobody, so they get a temp dir of their own.
mkdir -p "$tmp/nginx"
user_line=""
if [ "$(id -u)" -eq 0 ]; then
	chmod 0711 "$tmp"
	chown nobody "$tmp/nginx"
	user_line="user nobody nogroup;"
fi
cat >"$tmp/nginx.conf" <<EOF
$user_line
daemon off;
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections 256; }
http {
    log_format lb '\$remote_addr "\$request" \$status upstream=\$upstream_addr';
    access_log $tmp/nginx-access.log lb;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    client_max_body_size 1m;
    upstream cupid {
        server 127.0.0.1:${port[a]};
        server 127.0.0.1:${port[b]};
        keepalive 16;
    }
    server {
        listen 127.0.0.1:$lb_port ssl;
        ssl_certificate $tmp/a/cupid-cert.pem;
        ssl_certificate_key $tmp/a/cupid-key.pem;
        location / {
            proxy_pass https://cupid;
            proxy_ssl_verify off;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto https;
        }
    }
}
EOF
nginx -p "$tmp" -c "$tmp/nginx.conf" &
pids+=($!)
for _ in $(seq 100); do
	curl -sk -o /dev/null "$public/cupid/health" && break
	sleep 0.1
done
echo "cluster-demo: nginx on $public (balancing over both cupids)"

# 4. Smoke test through the balancer.
fail() { echo "cluster-demo: FAILED: $*" >&2; exit 1; }
get() { curl -sk -u "admin:$pw" -H 'Accept: application/json' "$@"; }
for i in 1 2 3 4; do
	get "$public/vmrest/ports?rowsPerPage=0" | grep -q '"@total":"2"' || fail "GET ports ($i)"
	get "$public/vmrest/portgroups?rowsPerPage=0" | grep -q '"@total":"4"' || fail "GET portgroups ($i)"
done
echo "cluster-demo: GET listings through the balancer: ok"
hdrs=$(curl -sk -u "admin:$pw" -D - -o "$tmp/post.body" -H 'Content-Type: application/json' \
	-d '{"MediaPortGroupObjectId":"ledf504a-e9a1-4876-bcfc-bb674da8e385","NumberOfPorts":2,"VmsServerObjectId":"574ca5d3-9041-4ff9-8e7d-727c32d80dab"}' \
	"$public/vmrest/ports")
grep -q '^HTTP/1.1 201' <<<"$hdrs" || fail "POST ports: $hdrs"
location=$(sed -n 's/^[Ll]ocation: *\(.*\)\r$/\1/p' <<<"$hdrs")
case "$location" in
"$public"/vmrest/ports/*) echo "cluster-demo: POST through the balancer: 201, Location $location" ;;
*) fail "Location '$location' does not point at the balancer" ;;
esac
path=${location#"$public"}
for n in a b; do
	code=$(curl -sk -u "admin:$pw" -o /dev/null -w '%{http_code}' "https://127.0.0.1:${port[$n]}$path")
	[ "$code" = 200 ] || fail "the new port is not visible on cupid $n directly ($code)"
	get "https://127.0.0.1:${port[$n]}/cupid/health" | grep -q '"database":"postgresql","portsUsed":4' ||
		fail "health of cupid $n"
done
echo "cluster-demo: the new port is visible on both cupids directly: ok"
echo "cluster-demo: requests per upstream (nginx access log):"
sed -n 's/.*upstream=\([^ ]*\).*/\1/p' "$tmp/nginx-access.log" | sort | uniq -c | sed 's/^/    /'
echo "cluster-demo: smoke test passed"

if [ "$WAIT" = 1 ]; then
	echo "cluster-demo: try  curl -k -u admin:$pw $public/vmrest/ports   (Ctrl-C stops everything)"
	wait "${pids[0]}"
fi
