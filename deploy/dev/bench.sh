#!/usr/bin/env bash
# make bench: load a catalog of N products into a private database, start the
# server, and measure it with wrk from a second process on loopback at 32
# connections. Prints requests/s, p50 and p99 per URL as a table, then the Go
# benchmarks.
set -euo pipefail
cd "$(dirname "$0")/../.."
products=${1:-10000}
port=${BENCH_PORT:-18080}
duration=${BENCH_DURATION:-10s}
conns=${BENCH_CONNS:-32}

if ! command -v wrk >/dev/null; then
	echo "bench: installing wrk" >&2
	if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null
	else sudo apt-get update -qq && sudo apt-get install -y -qq wrk >/dev/null; fi
fi

# a database per size, so that a smaller run does not measure a bigger
# catalog left by an earlier one (BENCH_DB to choose another)
export DATABASE_URL=$(deploy/dev/postgres.sh db "${BENCH_DB:-ocop_bench_$products}")
export PORT=$port OCOP_ENV=production OCOP_LOG_LEVEL=warn
export OCOP_SECRET_KEY=${OCOP_SECRET_KEY:-$(head -c 32 /dev/urandom | base64)}
bin/ocop migrate up >/dev/null
echo "bench: seeding $products products (idempotent; the first run takes a while)" >&2
bin/ocop seed -photos=false -products "$products" >&2
bin/ocop reindex >&2

bin/ocop serve &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
	curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
	sleep 0.1
done

base="http://127.0.0.1:$port"
# cold start: the first searches right after start (the server loads its
# in-memory copy of the search index as it starts; a search that comes
# before it is loaded waits for it)
cold() { curl -fsS -o /dev/null -w '%{time_total}' "$base$1" | awk '{printf "%.1f ms", $1 * 1000}'; }
echo "bench: cold start, first requests after start: JSON search $(cold '/api/v1/search?q=ch%C3%A8+shan+tuy%E1%BA%BFt'), /tim-kiem $(cold '/tim-kiem?q=m%E1%BA%ADt+ong'), suggest $(cold '/api/v1/suggest?q=nuoc+m'), a second JSON search $(cold '/api/v1/search?q=gao+nep&star=5')" >&2
# measure a settled server: the seed queued every product for the search
# index; wait until the worker has applied them (or say it has not)
waited=0
pending=
while [ "$waited" -lt 600 ]; do
	pending=$(curl -fsS "$base/metrics" 2>/dev/null | awk '/^ocop_search_outbox_pending /{print $2}')
	[ "${pending:-1}" = "0" ] && break
	sleep 1
	waited=$((waited + 1))
done
if [ "${pending:-1}" = "0" ]; then
	echo "bench: the search outbox drained in ${waited} s" >&2
else
	echo "bench: WARNING: ${pending:-?} search changes still queued after ${waited} s; figures below are measured while the index catches up" >&2
fi
slug=$(curl -fsS "$base/api/v1/products?per_page=1" | sed -E 's/.*"items":\[\{"slug":"([^"]+)".*/\1/')
total=$(curl -fsS "$base/api/v1/products?per_page=1" | sed -E 's/.*"total":([0-9]+).*/\1/')
code=$(curl -fsS "$base/api/v1/products/$slug" | sed -E 's/.*"verify_code":"([0-9a-f]+)".*/\1/')
echo "bench: $total public products; product detail: $slug; $conns connections, $duration per URL" >&2

urls=(
	"no-op (/healthz)|/healthz"
	"list page 1|/api/v1/products?page=1"
	"list page 50|/api/v1/products?page=50"
	"list province+star page 5|/api/v1/products?province=19&star=4&page=5"
	"product detail|/api/v1/products/$slug"
	"HTML catalog page|/san-pham"
	"HTML catalog filtered p3|/san-pham/thuc-pham?star=4&page=3"
	"HTML product page|/san-pham/$slug"
	"search typo|/api/v1/search?q=nuoc+mam+phu+quco"
	"search filter only|/api/v1/search?province=19&star=4"
	"search chè shan tuyết|/api/v1/search?q=ch%C3%A8+shan+tuy%E1%BA%BFt"
	"search, 8,100 queries|lua:/api/v1/search?q="
	"HTML /tim-kiem|/tim-kiem?q=ch%C3%A8+shan+tuy%E1%BA%BFt"
	"HTML /tim-kiem, 8,100 q.|lua:/tim-kiem?q="
	"suggest|/api/v1/suggest?q=che+th"
	"verification page (QR)|/xac-minh/$code"
	"verify API|/api/v1/verify/$code"
)
printf '\n%-28s %12s %10s %10s %8s\n' "endpoint" "requests/s" "p50" "p99" "errors"
for entry in "${urls[@]}"; do
	name=${entry%%|*}
	path=${entry#*|}
	if [[ $path == lua:* ]]; then
		# a different query each request (deploy/dev/bench-search.lua):
		# more than the result cache holds, so the engine answers each
		out=$(wrk -t2 -c"$conns" -d"$duration" --latency -s deploy/dev/bench-search.lua "$base" -- "${path#lua:}")
	else
		curl -fsS -o /dev/null "$base$path" # warm up (and fail loudly on a bad URL)
		out=$(wrk -t2 -c"$conns" -d"$duration" --latency "$base$path")
	fi
	rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
	p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
	p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
	errs=$(awk '/Non-2xx|Socket errors/ {sub(/^ +/, ""); printf "%s ", $0}' <<<"$out")
	printf '%-28s %12s %10s %10s %8s\n' "$name" "$rps" "$p50" "$p99" "${errs:-0}"
done
echo
# the server's memory after all of it: resident now and at its peak
# (ocop serve aims to stay within OCOP_MEMORY_TARGET, 200 MiB of Go memory
# by default, while its live heap allows)
awk -v target="${OCOP_MEMORY_TARGET:-200 (default)}" '/^VmRSS|^VmHWM/ {printf "bench: server %s %.0f MiB (OCOP_MEMORY_TARGET %s)\n", ($1 == "VmRSS:" ? "resident" : "peak resident"), $2 / 1024, target}' "/proc/$server/status" >&2
kill $server; wait $server 2>/dev/null || true
trap - EXIT

echo "Go benchmarks:"
go test -run='^$' -bench=. -benchmem ./internal/catalog/
# checkout: 3,000 orders through the JSON API of a served app from 50
# concurrent shoppers (a scarce product in every 4th cart, every 20th
# request a retry of an earlier Idempotency-Key): orders/s, p50/p99 and,
# counted afterwards in the database, oversold and duplicated (both must
# be 0)
echo "Reports on 100,000 certificates of one province:"
OCOP_TEST_DATABASE_URL=$(deploy/dev/postgres.sh start) \
	go test -run='^$' -bench=Reports -benchtime=10x ./internal/report/
echo "Showrooms near me, 10,000 showrooms:"
OCOP_TEST_DATABASE_URL=$(deploy/dev/postgres.sh start) \
	go test -run='^$' -bench=NearMe -benchtime=500x ./internal/showroom/
echo "Checkout (50 concurrent shoppers):"
OCOP_TEST_DATABASE_URL=$(deploy/dev/postgres.sh start) \
	go test -run='^$' -bench=Checkout -benchtime=${BENCH_ORDERS:-3000}x ./internal/app/
# pgsearch on generated catalogs of 10,000 and 100,000 documents: ns/op,
# p50 and p99 per query kind (each run creates and drops its own database)
OCOP_TEST_DATABASE_URL=$(deploy/dev/postgres.sh start) OCOP_BENCH_LARGE=${OCOP_BENCH_LARGE:-1} \
	go test -run='^$' -bench=. -benchtime=200x ./search/...
echo "Photo pipeline: one 12-megapixel JPEG into all variants (median of 10 runs, peak live heap):"
go test -run='^$' -bench=Process12MP -benchtime=10x -benchmem ./media/photo/
