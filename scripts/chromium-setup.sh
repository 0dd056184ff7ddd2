#!/usr/bin/env bash
# chromium-setup.sh — install headless Chromium for the HTML report's browser
# test (report/html_browser_test.go). Idempotent: when /usr/bin/chromium is
# there (or $SIGRUN_CHROMIUM names a browser that runs), nothing is installed.
#
# Uses Debian's `chromium` package through apt-get (run as root, or with sudo
# available). The test skips with the reason when no browser is found, unless
# SIGRUN_E2E_REQUIRED=1.
set -euo pipefail

say() { printf 'chromium-setup: %s\n' "$*"; }
die() { printf 'chromium-setup: error: %s\n' "$*" >&2; exit 1; }

BROWSER="${SIGRUN_CHROMIUM:-/usr/bin/chromium}"

if [ -x "$BROWSER" ]; then
	say "chromium is already installed: $BROWSER"
else
	SUDO=""
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null 2>&1 || die "not root and no sudo: install Debian's chromium package by hand"
		SUDO="sudo"
	fi
	command -v apt-get >/dev/null 2>&1 || die "apt-get is not available: install Chromium by hand and set SIGRUN_CHROMIUM to it"
	say "installing Debian's chromium package (apt-get update, then apt-get install chromium)"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
	BROWSER=/usr/bin/chromium
	[ -x "$BROWSER" ] || die "apt-get install chromium did not install $BROWSER"
fi

"$BROWSER" --version >/dev/null 2>&1 || die "$BROWSER does not run"
say "chromium ok: $("$BROWSER" --version 2>/dev/null | head -n1)"
