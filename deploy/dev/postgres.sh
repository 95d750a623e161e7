#!/usr/bin/env bash
# Starts (or stops) the project's private PostgreSQL cluster for `make run`,
# `make test` and `make bench`. It needs nothing prepared: PostgreSQL is
# installed with apt when initdb is missing, the cluster lives under
# .data/postgres (outside the checkout only when the postgres user cannot
# reach it), listens on 127.0.0.1 only, and runs as an unprivileged user
# because initdb refuses root.
#
#   deploy/dev/postgres.sh start   # idempotent; prints the admin URL
#   deploy/dev/postgres.sh stop
#   deploy/dev/postgres.sh url
#   deploy/dev/postgres.sh db NAME # start, create database NAME if missing, print its URL
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
# each checkout gets its own port (54000-54999), so two checkouts' clusters
# do not collide
port=${OCOP_PG_PORT:-$((54000 + 0x$(echo "$root" | md5sum | cut -c1-4) % 1000))}
cmd=${1:-start}

log() { echo "postgres.sh: $*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

find_bindir() {
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
	if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return; fi
	if command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v initdb)")"; return; fi
}

bindir=$(find_bindir)
if [ -z "$bindir" ] && [ "$cmd" = start ]; then
	log "initdb not found: installing PostgreSQL with apt"
	export DEBIAN_FRONTEND=noninteractive
	as_root apt-get update -qq
	as_root apt-get install -y -qq postgresql postgresql-contrib >/dev/null
	# the Debian package starts a system cluster we do not use
	as_root service postgresql stop >/dev/null 2>&1 || true
	bindir=$(find_bindir)
fi
[ -n "$bindir" ] || { log "PostgreSQL server binaries not found"; exit 1; }

# Run server commands as an unprivileged user when we are root.
runas=()
pguser=$(id -un)
if [ "$(id -u)" = 0 ]; then
	id postgres >/dev/null 2>&1 || as_root useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
	runas=(runuser -u postgres --)
	cd /
	pguser=postgres
fi

# OCOP_PG_DATA: another cluster's folder (the outage test runs its own)
data="${OCOP_PG_DATA:-$root/.data/postgres}"
if [ "$(id -u)" = 0 ] && [ -z "${OCOP_PG_DATA:-}" ]; then
	mkdir -p "$root/.data"
	if ! runuser -u postgres -- test -x "$root/.data"; then
		# e.g. a checkout inside a 0700 temp folder: keep the cluster outside it
		data="${TMPDIR:-/tmp}/ocop-postgres-$(echo "$root" | md5sum | cut -c1-12)"
	fi
fi

admin_url="postgres://${pguser}@127.0.0.1:${port}/postgres?sslmode=disable"

start_cluster() {
	if [ ! -f "$data/PG_VERSION" ]; then
		mkdir -p "$data"
		if [ "$(id -u)" = 0 ]; then chown postgres: "$data"; fi
		chmod 700 "$data"
		log "initialising a private cluster in $data"
		"${runas[@]}" "$bindir/initdb" -D "$data" -U "$pguser" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
		cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$data'
max_connections = 200
shared_buffers = 256MB
synchronous_commit = off
CONF
	fi
	if ! "${runas[@]}" "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
		"${runas[@]}" "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -o "-p $port" -w -t 60 start >/dev/null ||
			{ log "PostgreSQL did not start; see $data/server.log"; tail -n 20 "$data/server.log" >&2; exit 1; }
	fi
}

case "$cmd" in
db)
	name=${2:?usage: $0 db NAME}
	[[ "$name" =~ ^[a-z0-9_]+$ ]] || { log "database name must match [a-z0-9_]+"; exit 2; }
	start_cluster
	if [ -z "$("$bindir/psql" "$admin_url" -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
		"$bindir/psql" "$admin_url" -qc "CREATE DATABASE \"$name\"" >/dev/null
	fi
	echo "postgres://${pguser}@127.0.0.1:${port}/${name}?sslmode=disable"
	;;
url)
	echo "$admin_url"
	;;
stop)
	if [ -f "$data/PG_VERSION" ]; then "${runas[@]}" "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true; fi
	;;
start)
	start_cluster
	echo "$admin_url"
	;;
restart)
	# a fast restart of the running cluster (make loadtest's outage)
	start_cluster
	"${runas[@]}" "$bindir/pg_ctl" -D "$data" -m fast -w -t 60 restart >/dev/null
	;;
*)
	log "usage: $0 start|stop|restart|url"; exit 2
	;;
esac
