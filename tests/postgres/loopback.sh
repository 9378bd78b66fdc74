#!/usr/bin/env bash
# A throw-away PostgreSQL server on loopback for the test suite (`make test-postgres`).
#
#   tests/postgres/loopback.sh start   prints the URL of a running server (starts one if needed)
#   tests/postgres/loopback.sh stop    stops the server this script started (nothing else)
#
# The server lives in $QUALFRAME_PG_DIR (default /tmp/qualframe-pg), listens only on
# 127.0.0.1:$QUALFRAME_PG_PORT (default 55432), trusts local connections and runs with
# fsync off: test data only. initdb refuses to run as root, so as root the server runs as
# the `postgres` system user. The Debian package is installed when the binaries are missing.
set -euo pipefail
DIR=${QUALFRAME_PG_DIR:-/tmp/qualframe-pg}
PORT=${QUALFRAME_PG_PORT:-55432}
URL="postgresql+psycopg://postgres@127.0.0.1:${PORT}/postgres"

bindir() {
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
	echo "$d"
}

as_owner() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
	local bin
	bin=$(bindir)
	if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
		if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
			echo "Installing the PostgreSQL server package" >&2
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
				postgresql >/dev/null
			bin=$(bindir)
		else
			echo "PostgreSQL is not installed; run: sudo apt-get install postgresql" >&2
			exit 1
		fi
	fi
	if [ "$(id -u)" = 0 ]; then
		install -d -o postgres -g postgres "$DIR" "$DIR/sock"
	else
		mkdir -p "$DIR/sock"
	fi
	if [ ! -f "$DIR/data/PG_VERSION" ]; then
		as_owner "$bin/initdb" -D "$DIR/data" -A trust -U postgres -E UTF8 --no-locale >/dev/null
	fi
	if ! as_owner "$bin/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
		as_owner "$bin/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -o \
			"-c listen_addresses=127.0.0.1 -p $PORT -k $DIR/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
			start >/dev/null
		touch "$DIR/started-by-qualframe"
	fi
	echo "$URL"
}

stop() {
	local bin
	bin=$(bindir)
	if [ -f "$DIR/started-by-qualframe" ] && [ -n "$bin" ]; then
		as_owner "$bin/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null || true
		rm -f "$DIR/started-by-qualframe"
	fi
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*)
	echo "usage: $0 start|stop" >&2
	exit 2
	;;
esac
