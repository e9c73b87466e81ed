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
. "$ROOT/tests/interop/lib.sh"
fresh_database "$DB" "$WORK" palisade_browser
# Dropped when the run ends (the servers are stopped by then).
trap drop_database EXIT
A_DATABASE_URL=$DATABASE_URL
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
