#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and demos: initdb under a temp dir, on a free port of
# 127.0.0.1 (and a Unix socket in the same dir), fsync off, run as the postgres user when run as
# root. Nothing outside the dir is touched, and nothing is left running after `stop`.
#
#   pg-test-cluster.sh start [DIR]   creates DIR (default: a new temp dir) and starts the cluster;
#                                    prints  dir=DIR  and  uri=postgresql://postgres@127.0.0.1:PORT/postgres
#   pg-test-cluster.sh halt DIR      stops the server, keeping its data (to simulate an outage)
#   pg-test-cluster.sh resume DIR    starts it again on the same port
#   pg-test-cluster.sh stop DIR      stops the server and removes DIR
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

# as_pg CMD...: runs CMD as the cluster's owner (postgres when we are root).
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_start() {
	local dir=$1
	as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null || {
		echo "pg-test-cluster: the server did not start; its log:" >&2
		tail -20 "$dir/server.log" >&2
		return 1
	}
}

pg_halt() {
	local dir=$1
	[ -f "$dir/data/postmaster.pid" ] || return 0
	as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
		as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
}

cmd=${1:-}
case "$cmd" in
start)
	dir=${2:-$(mktemp -d /tmp/cupid-pg.XXXXXX)}
	mkdir -p "$dir"
	chmod 0700 "$dir"
	[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
	as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
		>"$dir/initdb.log" 2>&1 || {
		echo "pg-test-cluster: initdb failed; its log:" >&2
		tail -20 "$dir/initdb.log" >&2
		rm -rf "$dir"
		exit 1
	}
	port=$(free_port)
	# For tests only: no fsync, no durability, enough connections for several cupids.
	cat >>"$dir/data/postgresql.conf" <<EOF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
shared_buffers = 64MB
log_min_messages = warning
EOF
	echo "$port" >"$dir/port"
	pg_start "$dir" || {
		pg_halt "$dir"
		rm -rf "$dir"
		exit 1
	}
	echo "dir=$dir"
	echo "uri=postgresql://postgres@127.0.0.1:$port/postgres"
	;;
halt)
	pg_halt "${2:?usage: $0 halt DIR}"
	;;
resume)
	pg_start "${2:?usage: $0 resume DIR}"
	;;
stop)
	dir=${2:?usage: $0 stop DIR}
	pg_halt "$dir"
	rm -rf "$dir"
	;;
*)
	echo "usage: $0 start [DIR] | halt DIR | resume DIR | stop DIR" >&2
	exit 2
	;;
esac
