#!/usr/bin/env bash
# The project's test command (the README's): installs what the end-to-end
# suite needs when a setup script is present, then runs every test with the
# race detector.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -x scripts/e2e-setup.sh ]; then
  scripts/e2e-setup.sh
fi
if [ -x scripts/newman-setup.sh ]; then
  scripts/newman-setup.sh
fi
if [ -x scripts/chromium-setup.sh ]; then
  scripts/chromium-setup.sh
fi
go test -race -count=1 -timeout 20m ./...
