#!/usr/bin/env bash
# Installs what the browser suites need (idempotent): Debian's chromium (never a browser
# download) and this folder's pinned npm packages (playwright-core, axe-core).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" != 0 ]; then echo "browser setup: install chromium (apt-get install chromium)" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
if [ ! -d "$HERE/node_modules/playwright-core" ] || [ "$HERE/package-lock.json" -nt "$HERE/node_modules/.package-lock.json" ]; then
  (cd "$HERE" && npm ci --silent --no-audit --no-fund)
fi
