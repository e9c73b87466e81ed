#!/usr/bin/env bash
# The web interface in a real browser: Debian's chromium driven by playwright-core, axe-core
# on every page, against two real `palisade serve` (A on the database asked for, B on SQLite)
# federating over HTTP on loopback (suite.mjs).
#   tests/interop/browser/run.sh sqlite|postgres [--screenshots]
# postgres needs PALISADE_TEST_PG_BASE. --screenshots writes the README's screenshots to
# docs/screenshots/. Prints one summary line on stdout; details on stderr.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
DB=${1:?usage: run.sh sqlite|postgres [--screenshots]}
"$HERE/setup.sh" >&2
WORK=$(mktemp -d /tmp/palisade-browser.XXXXXX)
case "$DB" in
  sqlite) A_DATABASE_URL="sqlite:$WORK/a.db" ;;
  postgres)
    base=${PALISADE_TEST_PG_BASE:?set PALISADE_TEST_PG_BASE to a PostgreSQL URL}
    name="palisade_browser_$$"
    psql "$base" -qc "CREATE DATABASE $name" >&2
    # Dropped when the run ends (the servers are stopped by then).
    trap 'psql "$base" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >&2 || true' EXIT
    A_DATABASE_URL="${base%/*}/$name"
    ;;
  *) echo "unknown database $DB" >&2; exit 2 ;;
esac
SHOTS=""
[ "${2:-}" = "--screenshots" ] && SHOTS=$ROOT/docs/screenshots
set +e
(cd "$HERE" && PALISADE_BIN=${PALISADE_BIN:-$ROOT/target/debug/palisade} WORK=$WORK A_DATABASE_URL=$A_DATABASE_URL \
  SCREENSHOTS=$SHOTS node suite.mjs) >"$WORK/suite.log" 2>&1
status=$?
set -e
cat "$WORK/suite.log" >&2
echo "browser ($DB): $(tail -n1 "$WORK/suite.log")"
if [ $status -ne 0 ]; then
  echo "logs: $WORK (a.log, b.log)" >&2
  exit 1
fi
rm -rf "$WORK"
