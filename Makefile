# The one entry point. `make run` and `make test` set up everything they need
# on a fresh Debian machine with Go (PostgreSQL via apt, a private cluster
# under .data/postgres); nothing is installed by hand.

SHELL       := /bin/bash
GO          ?= go
PG          := deploy/dev/postgres.sh
MINIO       := deploy/dev/minio.sh
SHARED_DATA ?= $(abspath ../shared/data)
ADMIN_UNITS ?= $(SHARED_DATA)/vn-admin-units/provinces-wards.json
BENCH_PRODUCTS ?= 10000
CHROMIUM    := /usr/bin/chromium
AXE_JS      := $(abspath .tools/npm/node_modules/axe-core/axe.min.js)
REDOCLY     := $(abspath .tools/npm/node_modules/.bin/redocly)

.PHONY: run test build bench lint migrate db-stop clean help image backup-drill loadtest

help:
	@echo "make run    serve the storefront with demo data on http://localhost:$${PORT:-8080}"
	@echo "make test   run every test against a private PostgreSQL and MinIO"
	@echo "make bench  load 10,000 products and measure the API under load"
	@echo "make lint   go vet and gofmt"
	@echo "make image  the container image, when a container engine runs here"
	@echo "make backup-drill  back up, restore and compare a database and its media"
	@echo "make loadtest  mixed load on two processes through outages, with invariants"

build:
	$(GO) build -trimpath -o bin/ocop ./cmd/ocop

# Serve with demo data: a private PostgreSQL unless DATABASE_URL is set.
run: build
	@set -euo pipefail; \
	if [ -z "$${DATABASE_URL:-}" ]; then export DATABASE_URL=$$($(PG) db ocop); fi; \
	bin/ocop migrate up; \
	if [ -f "$(ADMIN_UNITS)" ]; then bin/ocop geo import "$(ADMIN_UNITS)"; \
		bin/ocop geo legacy "$(dir $(ADMIN_UNITS))legacy-districts.csv"; \
	else echo "communes not loaded: $(ADMIN_UNITS) not found (set ADMIN_UNITS=...)"; fi; \
	bin/ocop seed -demo-accounts; \
	echo; echo "Mở http://localhost:$${PORT:-8080} trong trình duyệt (open it in a browser); tài khoản mẫu ở trên, mật khẩu demo-ocop-2026."; \
	exec bin/ocop serve

migrate: build
	@set -euo pipefail; \
	if [ -z "$${DATABASE_URL:-}" ]; then export DATABASE_URL=$$($(PG) db ocop); fi; \
	bin/ocop migrate up

# Every test, against the private PostgreSQL cluster (each test creates and
# drops its own database), the private MinIO server (built from source into
# .tools/bin the first time; each test makes and removes its own bucket), and
# the browser tests in headless Chromium with axe-core (installed by
# deploy/dev/browser-deps.sh, with the Redocly CLI that lints the OpenAPI
# document; failure screenshots go to screenshots/).
# OCOP_TEST_REQUIRE_DB=1 turns a missing database, MinIO or browser into a
# failure instead of a skip.
test:
	@set -euo pipefail; \
	deploy/dev/browser-deps.sh; \
	admin=$$($(PG) start); \
	minio=$$($(MINIO) env); eval "$$minio"; \
	stripe=$$(deploy/dev/stripe-mock.sh env); eval "$$stripe"; \
	OCOP_TEST_DATABASE_URL=$$admin OCOP_TEST_REQUIRE_DB=1 OCOP_SHARED_DATA="$(SHARED_DATA)" \
	OCOP_CHROMIUM=$(CHROMIUM) OCOP_AXE_JS=$(AXE_JS) OCOP_REDOCLY=$(REDOCLY) \
		$(GO) test -race -count=1 ./...

bench: build
	@deploy/dev/bench.sh $(BENCH_PRODUCTS)

# The backup and restore drill alone (make test runs it too): pg_dump of a
# filled database and a mirror of its media bucket, restored into fresh
# ones and compared row by row and object by object.
backup-drill:
	@set -euo pipefail; \
	admin=$$($(PG) start); \
	minio=$$($(MINIO) env); eval "$$minio"; \
	OCOP_TEST_DATABASE_URL=$$admin OCOP_TEST_REQUIRE_DB=1 \
		$(GO) test -count=1 -v -run TestBackupDrill ./deploy/drill/

# A bounded mixed load on two app processes with failures in the middle
# (PostgreSQL restarted, a process killed, MinIO paused); prints the
# figures per phase and checks the invariants (cmd/loadtest).
loadtest: build
	@set -euo pipefail; \
	admin=$$($(PG) start); \
	minio=$$($(MINIO) env); eval "$$minio"; \
	$(GO) run ./cmd/loadtest -bin bin/ocop -admin-url "$$admin" -pg-restart "$(PG) restart" -minio-pid "$$(cat .data/minio/minio.pid)" \
		-meili-pid "$${MEILI_PID:-0}"

# The container image (deploy/Dockerfile) when a container engine runs
# here; otherwise it says so and builds nothing.
image:
	@if command -v docker >/dev/null && docker info >/dev/null 2>&1; then \
		rev=$$(git rev-parse --short HEAD); \
		docker build -f deploy/Dockerfile --build-arg REVISION=$$rev --build-arg CREATED=$$(date -u +%Y-%m-%dT%H:%M:%SZ) -t ocop:$$rev -t ocop:local . && \
		docker image ls ocop:$$rev; \
	else echo "make image: no container engine runs on this machine (docker info failed): nothing was built"; fi

lint:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }

db-stop:
	@$(PG) stop
	@$(MINIO) stop
	@deploy/dev/stripe-mock.sh stop

clean: db-stop
	rm -rf bin .data .tools screenshots
