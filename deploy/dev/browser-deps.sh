#!/usr/bin/env bash
# Installs what the browser tests need, idempotently: Debian's chromium and a
# pinned axe-core from npm under .tools/npm (ignored by git), and beside it
# the pinned Redocly CLI that lints the OpenAPI document. Quick when all are
# already there: no apt-get update, no npm call.
#
#   deploy/dev/browser-deps.sh   # prints nothing when everything is present
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
axe_version=4.14.1
redocly_version=2.77.0

log() { echo "browser-deps.sh: $*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

if ! installed chromium || [ ! -x /usr/bin/chromium ]; then
	log "installing chromium with apt"
	export DEBIAN_FRONTEND=noninteractive
	apt=(apt-get -o DPkg::Lock::Timeout=300 -y -qq)
	# update once, only when the package is not known yet (a fresh machine)
	if ! apt-cache show chromium >/dev/null 2>&1; then
		as_root "${apt[@]}" update
	fi
	if ! as_root "${apt[@]}" install chromium >/dev/null; then
		# an old package list can name versions the mirror no longer has
		as_root "${apt[@]}" update
		as_root "${apt[@]}" install chromium >/dev/null
	fi
fi

npm_dir="$root/.tools/npm"
# the installed version of an npm package under .tools/npm, or nothing
npm_version() {
	local pkg="$npm_dir/node_modules/$1/package.json"
	[ -f "$pkg" ] && sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$pkg" | head -n 1
	return 0
}
# axe-core for the browser tests, the Redocly CLI for the OpenAPI lint
# (internal/web TestOpenAPILint): one npm call installs both
if [ "$(npm_version axe-core)" != "$axe_version" ] || [ "$(npm_version @redocly/cli)" != "$redocly_version" ]; then
	command -v npm >/dev/null 2>&1 || { log "npm not found: install nodejs and npm"; exit 1; }
	log "installing axe-core@$axe_version and @redocly/cli@$redocly_version into .tools/npm"
	mkdir -p "$npm_dir"
	npm install --prefix "$npm_dir" --no-audit --no-fund --save-exact --silent "axe-core@$axe_version" "@redocly/cli@$redocly_version" >/dev/null
fi
[ -f "$npm_dir/node_modules/axe-core/axe.min.js" ] || { log "axe.min.js missing after install"; exit 1; }
[ -x "$npm_dir/node_modules/.bin/redocly" ] || { log "redocly missing after install"; exit 1; }
