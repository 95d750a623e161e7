#!/usr/bin/env bash
# Starts (or stops) the project's private MinIO server for `make test` (and
# `make run` once photos are wired in). It needs nothing prepared: the server
# is built from source with `go install` into .tools/bin the first time
# (2-3 minutes, cached afterwards), listens on 127.0.0.1 only on a port
# derived from the checkout path, keeps its data in a temp dir and uses fixed
# dev credentials. A dead pid file (a stopped or killed server) is noticed
# and the server started again.
#
#   deploy/dev/minio.sh start   # idempotent; prints the endpoint host:port
#   deploy/dev/minio.sh stop
#   deploy/dev/minio.sh env     # start, then print `export OCOP_TEST_MINIO_*=…` lines
#   deploy/dev/minio.sh endpoint
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
version=v0.0.0-20260212201848-7aac2a2c5b7c
hash=$(echo "$root" | md5sum | cut -c1-12)
# each checkout gets its own port (55000-55999, next to postgres.sh's
# 54000-54999), so two checkouts' servers do not collide
port=${OCOP_MINIO_PORT:-$((55000 + 0x$(echo "$root" | md5sum | cut -c1-4) % 1000))}
endpoint="127.0.0.1:$port"
access_key=ocopdev
secret_key=ocopdev-secret-key
bin="$root/.tools/bin/minio"
state="$root/.data/minio"
data="${TMPDIR:-/tmp}/ocop-minio-$hash"
pidfile="$state/minio.pid"
logfile="$state/minio.log"
cmd=${1:-start}

log() { echo "minio.sh: $*" >&2; }

# the pid file names a live (not zombie) process running our binary; a pid
# reused by another program does not count
alive() {
	local pid
	[ -f "$pidfile" ] || return 1
	pid=$(cat "$pidfile")
	[[ "$pid" =~ ^[0-9]+$ ]] || return 1
	[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] || return 1
	[[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == "$bin server "* ]]
}

# GET /minio/health/live answers 200 once the server serves requests (bash's
# /dev/tcp, so curl is not needed)
ready() {
	(
		exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
		printf 'GET /minio/health/live HTTP/1.0\r\nHost: %s\r\n\r\n' "$endpoint" >&3
		IFS= read -r -t 2 line <&3 || exit 1
		[[ "$line" == *" 200 "* ]]
	) 2>/dev/null
}

# the pid of a server started by this script for this checkout (exact binary
# path and address on its command line), if one runs
find_ours() {
	local p cl
	for p in /proc/[0-9]*; do
		cl=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null) || continue
		if [[ "$cl" == "$bin server "*"--address $endpoint "* ]]; then echo "${p#/proc/}"; return; fi
	done
}

build() {
	[ -x "$bin" ] && return
	command -v go >/dev/null || { log "go not found"; exit 1; }
	log "building MinIO $version into .tools/bin (2-3 minutes, once)"
	mkdir -p "$root/.tools/bin"
	(cd "$root" && GOBIN="$root/.tools/bin" GOFLAGS=-buildvcs=false go install "github.com/minio/minio@$version") ||
		{ log "go install github.com/minio/minio@$version failed"; exit 1; }
}

start() {
	build
	mkdir -p "$state" "$data"
	if alive && ready; then return; fi
	if alive; then
		# running but not answering (still starting?): give it a moment
		for _ in $(seq 1 50); do ready && return; sleep 0.2; done
		log "MinIO pid $(cat "$pidfile") does not answer; restarting it"
		kill "$(cat "$pidfile")" 2>/dev/null || true
		sleep 1
	fi
	rm -f "$pidfile"
	if ready; then
		# our server whose pid file was lost: adopt it
		pid=$(find_ours)
		if [ -n "$pid" ]; then echo "$pid" >"$pidfile"; return; fi
		log "port $port answers but is not this checkout's MinIO; set OCOP_MINIO_PORT"
		exit 1
	fi
	MINIO_ROOT_USER=$access_key MINIO_ROOT_PASSWORD=$secret_key \
		MINIO_BROWSER=off MINIO_UPDATE=off \
		nohup "$bin" server --quiet --address "$endpoint" "$data" >"$logfile" 2>&1 </dev/null &
	echo $! >"$pidfile"
	for _ in $(seq 1 150); do
		if ready; then return; fi
		if ! alive; then break; fi
		sleep 0.2
	done
	log "MinIO did not become ready on $endpoint; see $logfile"
	tail -n 20 "$logfile" >&2 || true
	exit 1
}

case "$cmd" in
start)
	start
	echo "$endpoint"
	;;
env)
	start
	echo "export OCOP_TEST_MINIO_ENDPOINT=$endpoint"
	echo "export OCOP_TEST_MINIO_ACCESS_KEY=$access_key"
	echo "export OCOP_TEST_MINIO_SECRET_KEY=$secret_key"
	;;
endpoint)
	echo "$endpoint"
	;;
stop)
	pid=
	if alive; then pid=$(cat "$pidfile"); else pid=$(find_ours); fi
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 1 50); do
			[ -d "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] || break
			sleep 0.1
		done
	fi
	rm -f "$pidfile"
	;;
*)
	log "usage: $0 start|stop|env|endpoint"; exit 2
	;;
esac
