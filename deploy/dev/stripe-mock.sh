#!/usr/bin/env bash
# Starts (or stops) the project's private stripe-mock server for `make test`:
# a stateless fake of Stripe's API that checks each request against Stripe's
# OpenAPI spec and answers with fixtures, so internal/payment/stripecard is
# tested without a network or a Stripe account. It needs nothing prepared:
# the server is built from source with `go install` into .tools/bin the first
# time (cached afterwards), listens with plain HTTP on 127.0.0.1 only, on a
# port derived from the checkout path, and logs to .data/stripe-mock. A dead
# pid file (a stopped or killed server) is noticed and the server started
# again.
#
#   deploy/dev/stripe-mock.sh start   # idempotent; prints the URL
#   deploy/dev/stripe-mock.sh stop
#   deploy/dev/stripe-mock.sh env     # start, then print `export OCOP_TEST_STRIPE_URL=…`
#   deploy/dev/stripe-mock.sh url
#
# stripe-mock serves HTTP and HTTPS. With only -http-addr it would still open
# HTTPS on :12112 on every interface (and collide with another checkout's),
# so the HTTPS side is sent to a Unix socket in the temp dir that nothing
# uses.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
version=v0.203.0
hash=$(echo "$root" | md5sum | cut -c1-12)
# each checkout gets its own port (56000-56999, next to minio.sh's
# 55000-55999), so two checkouts' servers do not collide
port=${OCOP_STRIPE_MOCK_PORT:-$((56000 + 0x$(echo "$root" | md5sum | cut -c1-4) % 1000))}
addr="127.0.0.1:$port"
url="http://$addr"
bin="$root/.tools/bin/stripe-mock"
state="$root/.data/stripe-mock"
# in the temp dir: a Unix socket path must stay short (108 bytes)
https_sock="${TMPDIR:-/tmp}/ocop-stripe-mock-$hash.sock"
pidfile="$state/stripe-mock.pid"
logfile="$state/stripe-mock.log"
cmd=${1:-start}

log() { echo "stripe-mock.sh: $*" >&2; }

# the pid file names a live (not zombie) process running our binary; a pid
# reused by another program does not count
alive() {
	local pid
	[ -f "$pidfile" ] || return 1
	pid=$(cat "$pidfile")
	[[ "$pid" =~ ^[0-9]+$ ]] || return 1
	[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] || return 1
	[[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == "$bin "* ]]
}

# GET /v1/balance answers 200 with a Stripe-Mock-Version header once
# stripe-mock serves requests (bash's /dev/tcp, so curl is not needed);
# another server on the port does not count
ready() {
	(
		exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
		printf 'GET /v1/balance HTTP/1.0\r\nHost: %s\r\nAuthorization: Bearer sk_test_123\r\n\r\n' "$addr" >&3
		IFS= read -r -t 2 line <&3 || exit 1
		[[ "$line" == *" 200 "* ]] || exit 1
		while IFS= read -r -t 2 line <&3; do
			line=${line%$'\r'}
			[ -n "$line" ] || break
			[[ "${line,,}" == stripe-mock-version:* ]] && exit 0
		done
		exit 1
	) 2>/dev/null
}

# the pid of a server started by this script for this checkout (exact binary
# path and address on its command line), if one runs
find_ours() {
	local p cl
	for p in /proc/[0-9]*; do
		cl=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null) || continue
		if [[ "$cl" == "$bin -http-addr $addr "* ]]; then echo "${p#/proc/}"; return; fi
	done
}

build() {
	[ -x "$bin" ] && return
	command -v go >/dev/null || { log "go not found"; exit 1; }
	log "building stripe-mock $version into .tools/bin (once)"
	mkdir -p "$root/.tools/bin"
	(cd "$root" && GOBIN="$root/.tools/bin" GOFLAGS=-buildvcs=false go install "github.com/stripe/stripe-mock@$version") ||
		{ log "go install github.com/stripe/stripe-mock@$version failed"; exit 1; }
}

start() {
	build
	mkdir -p "$state"
	if alive && ready; then return; fi
	if alive; then
		# running but not answering (still starting?): give it a moment
		for _ in $(seq 1 50); do ready && return; sleep 0.2; done
		log "stripe-mock pid $(cat "$pidfile") does not answer; restarting it"
		kill "$(cat "$pidfile")" 2>/dev/null || true
		sleep 1
	fi
	rm -f "$pidfile"
	if ready; then
		# our server whose pid file was lost: adopt it
		pid=$(find_ours)
		if [ -n "$pid" ]; then echo "$pid" >"$pidfile"; return; fi
		log "port $port answers but is not this checkout's stripe-mock; set OCOP_STRIPE_MOCK_PORT"
		exit 1
	fi
	# a killed server leaves its socket file behind, and listening on it
	# again would fail
	rm -f "$https_sock"
	nohup "$bin" -http-addr "$addr" -https-unix "$https_sock" >"$logfile" 2>&1 </dev/null &
	pid=$!
	echo "$pid" >"$pidfile"
	for _ in $(seq 1 150); do
		if ready; then return; fi
		# (not alive: until nohup has exec'd, the command line is nohup's)
		[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo Z)" != Z ] || break
		sleep 0.2
	done
	log "stripe-mock did not become ready on $addr; see $logfile"
	tail -n 20 "$logfile" >&2 || true
	exit 1
}

case "$cmd" in
start)
	start
	echo "$url"
	;;
env)
	start
	echo "export OCOP_TEST_STRIPE_URL=$url"
	;;
url)
	echo "$url"
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
	rm -f "$pidfile" "$https_sock"
	;;
*)
	log "usage: $0 start|stop|env|url"; exit 2
	;;
esac
