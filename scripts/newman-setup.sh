#!/usr/bin/env bash
# newman-setup.sh — install newman (Postman's command-line runner), which the
# import round-trip test (importer, TestImportPostmanRoundTrip) runs against
# the same loopback server as sigrun. Idempotent: an installed newman of the
# pinned version is checked, not installed again.
#
#   newman  `npm install`ed from the npm registry, pinned to NEWMAN_VERSION,
#           into ${SIGRUN_CACHE:-$HOME/.cache/sigrun}/node; the binary is
#           node_modules/.bin/newman there. The test looks there, or at
#           $SIGRUN_NEWMAN.
#
# Needs node (>= 16) and npm on PATH. Exits non-zero when they are missing
# or the install fails.
set -euo pipefail

# Keep in step with newmanVersion in importer/roundtrip_test.go.
NEWMAN_VERSION=6.2.2

CACHE="${SIGRUN_CACHE:-$HOME/.cache/sigrun}"
NODE_DIR="$CACHE/node"
NEWMAN_BIN="$NODE_DIR/node_modules/.bin/newman"

say() { printf 'newman-setup: %s\n' "$*"; }
die() { printf 'newman-setup: error: %s\n' "$*" >&2; exit 1; }

installed_version() {
	"$NEWMAN_BIN" --version 2>/dev/null | tail -n 1 || true
}

if [ -x "$NEWMAN_BIN" ] && [ "$(installed_version)" = "$NEWMAN_VERSION" ]; then
	say "newman $NEWMAN_VERSION is already installed: $NEWMAN_BIN"
	exit 0
fi

command -v node >/dev/null 2>&1 || die "node is not on PATH: install Node.js (>= 16) and npm, e.g. apt-get install nodejs npm"
command -v npm >/dev/null 2>&1 || die "npm is not on PATH: install it, e.g. apt-get install npm"

say "installing newman $NEWMAN_VERSION into $NODE_DIR (node $(node --version))"
mkdir -p "$NODE_DIR"
if [ ! -f "$NODE_DIR/package.json" ]; then
	printf '{\n  "name": "sigrun-test-tools",\n  "private": true\n}\n' >"$NODE_DIR/package.json"
fi
npm install --prefix "$NODE_DIR" --no-audit --no-fund --save-exact --loglevel=error "newman@$NEWMAN_VERSION" ||
	die "npm install newman@$NEWMAN_VERSION failed (see above)"

[ -x "$NEWMAN_BIN" ] || die "npm install produced no $NEWMAN_BIN"
got="$(installed_version)"
[ "$got" = "$NEWMAN_VERSION" ] || die "$NEWMAN_BIN reports version '$got', want $NEWMAN_VERSION"
say "newman ok: $NEWMAN_BIN (export SIGRUN_NEWMAN=$NEWMAN_BIN is optional: the test looks there by default)"
