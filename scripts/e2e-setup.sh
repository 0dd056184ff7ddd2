#!/usr/bin/env bash
# e2e-setup.sh — install the servers sigrun's end-to-end suite (package e2e)
# runs against. Idempotent: what is already there is checked, not rebuilt.
#
#   MinIO  built from source with `go install`, pinned to MINIO_VERSION, into
#          ${SIGRUN_CACHE:-$HOME/.cache/sigrun}/bin/minio-$MINIO_VERSION
#          (about 5-7 minutes on 2 cores the first time; the test helpers
#          look there, or at $SIGRUN_MINIO_BIN).
#   moto   moto_server (Python) must already be installed: it is checked,
#          not installed (`pip install 'moto[server]'` where PyPI is reachable).
#
# Environment: SIGRUN_CACHE (cache folder), SIGRUN_E2E_SKIP_MINIO=1 (check
# moto only). Exits non-zero when something is missing or a build fails.
set -euo pipefail

# Pinned: the version `go install github.com/minio/minio@latest` resolved to
# when this was written (MinIO publishes no semver tags, so the module proxy
# serves a pseudo-version). Keep in step with MinIOVersion in e2e/minio.go.
MINIO_MODULE=github.com/minio/minio
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c

CACHE="${SIGRUN_CACHE:-$HOME/.cache/sigrun}"
BIN_DIR="$CACHE/bin"
MINIO_BIN="$BIN_DIR/minio-$MINIO_VERSION"

BUILD_TMP=""
cleanup() { if [ -n "$BUILD_TMP" ]; then rm -rf "$BUILD_TMP"; fi; }
trap cleanup EXIT

say() { printf 'e2e-setup: %s\n' "$*"; }
die() { printf 'e2e-setup: error: %s\n' "$*" >&2; exit 1; }

setup_minio() {
	if [ -x "$MINIO_BIN" ]; then
		say "MinIO $MINIO_VERSION is already built: $MINIO_BIN"
	else
		command -v go >/dev/null 2>&1 || die "go is not on PATH: it is needed to build MinIO"
		say "building MinIO $MINIO_VERSION with $(go version | cut -d' ' -f3) into $MINIO_BIN"
		say "(go install $MINIO_MODULE@$MINIO_VERSION: takes 5-7 minutes on 2 cores)"
		mkdir -p "$BIN_DIR"
		local start
		BUILD_TMP="$(mktemp -d "$BIN_DIR/.build.XXXXXX")"
		start=$(date +%s)
		# Outside any module, so that the project's go.mod plays no part.
		if ! (cd "$BUILD_TMP" && GOBIN="$BUILD_TMP" GOFLAGS=-buildvcs=false go install "$MINIO_MODULE@$MINIO_VERSION"); then
			die "building MinIO failed (see above)"
		fi
		[ -x "$BUILD_TMP/minio" ] || die "go install produced no minio binary"
		mv -f "$BUILD_TMP/minio" "$MINIO_BIN" # same folder: atomic
		say "built MinIO in $(( $(date +%s) - start ))s"
	fi
	"$MINIO_BIN" --version >/dev/null 2>&1 || die "$MINIO_BIN does not run"
	say "MinIO ok: export SIGRUN_MINIO_BIN=$MINIO_BIN (optional: the tests look there by default)"
}

setup_moto() {
	local moto="${SIGRUN_MOTO_SERVER:-}"
	if [ -z "$moto" ]; then
		moto="$(command -v moto_server 2>/dev/null || true)"
	fi
	if [ -z "$moto" ]; then
		die "moto_server is not on PATH. Install moto's server with: pip install 'moto[server]'
(PyPI may be unreachable here: the machine image ships moto; on another machine install it, or set SIGRUN_MOTO_SERVER to its path)"
	fi
	if ! "$moto" --help >/dev/null 2>&1; then
		die "$moto does not run: reinstall with pip install 'moto[server]'"
	fi
	local version
	version="$(python3 -c 'import moto; print(moto.__version__)' 2>/dev/null || echo unknown)"
	say "moto ok: $moto (moto $version)"
}

if [ "${SIGRUN_E2E_SKIP_MINIO:-}" = 1 ]; then
	say "SIGRUN_E2E_SKIP_MINIO=1: not checking MinIO"
else
	setup_minio
fi
setup_moto
say "done: run the suite with  SIGRUN_E2E_REQUIRED=1 go test -race ./e2e/"
