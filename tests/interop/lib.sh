# Shared by the interop runners (sourced): a fresh database for a run, and `palisade serve`
# on localhost:3000, which Mastodon.py's and toot's tests expect.

# fresh_database sqlite|postgres WORK PREFIX: sets DATABASE_URL to a fresh database, an SQLite
# file in WORK or a new PostgreSQL database PREFIX_PID beside $PALISADE_TEST_PG_BASE's.
fresh_database() {
  case "$1" in
    sqlite) DATABASE_URL="sqlite:$2/palisade.db" ;;
    postgres)
      local base=${PALISADE_TEST_PG_BASE:?set PALISADE_TEST_PG_BASE to a PostgreSQL URL}
      PG_NAME="$3_$$"
      psql "$base" -qc "CREATE DATABASE $PG_NAME" >&2
      DATABASE_URL="${base%/*}/$PG_NAME"
      ;;
    *) echo "unknown database $1" >&2; exit 2 ;;
  esac
}

# drop_database: drops the PostgreSQL database fresh_database made, if any (test runs must
# not fill the disk).
drop_database() {
  if [ -n "${PG_NAME:-}" ]; then
    psql "$PALISADE_TEST_PG_BASE" -qc "DROP DATABASE IF EXISTS $PG_NAME WITH (FORCE)" >&2 || true
  fi
}

# serve_on_3000 BIN WORK: starts `BIN serve` (configured by the environment) once port 3000
# is free, waiting for another run to give it up (up to 30 minutes); sets SERVER. Its log
# is WORK/serve.log.
serve_on_3000() {
  local bin=$1 work=$2 attempt
  SERVER=
  for attempt in $(seq 1 180); do
    if ! (exec 3<>/dev/tcp/127.0.0.1/3000) 2>/dev/null; then
      "$bin" serve >"$work/serve.log" 2>&1 &
      SERVER=$!
      for _ in $(seq 1 300); do
        grep -q "is ready" "$work/serve.log" 2>/dev/null && break
        kill -0 "$SERVER" 2>/dev/null || break
        sleep 0.2
      done
      kill -0 "$SERVER" 2>/dev/null && grep -q "is ready" "$work/serve.log" && return 0
      kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true
      SERVER=
      # Lost the port to another run: wait again; any other failure ends here.
      grep -q "cannot listen" "$work/serve.log" || { tail -n 20 "$work/serve.log" >&2; exit 1; }
    fi
    [ "$attempt" = 1 ] && echo "port 3000 is in use (another run?); waiting for it" >&2
    sleep 10
  done
  echo "port 3000 stayed busy" >&2
  exit 1
}

# stop_server: stops what serve_on_3000 started.
stop_server() {
  if [ -n "${SERVER:-}" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
}
