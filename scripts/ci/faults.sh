#!/usr/bin/env bash
# Database fault tests (issue 10, docs/SECURITY.md): PostgreSQL restarted under load, on a
# cluster of this script's own (port 5433 by default; the shared server on 5432 is never
# touched), and SQLite on a full 20 MB file system (a tmpfs mounted here). Needs root
# (mount, pg_createcluster); prints one summary line. The cluster and the mount are removed
# at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "$(id -u)" != 0 ]; then
  echo "database faults: SKIPPED, needs root (mount, a PostgreSQL cluster of its own)"
  exit 0
fi
port=${PALISADE_FAULT_PG_PORT:-5433}
name=palisade-faults
ver=$(ls /usr/lib/postgresql | sort -n | tail -n1)
small=$(mktemp -d /tmp/palisade-faults-disk.XXXXXX)
cleanup() {
  umount "$small" 2>/dev/null || true
  rmdir "$small" 2>/dev/null || true
  pg_dropcluster --stop "$ver" "$name" >/dev/null 2>&1 || true
}
trap cleanup EXIT
pg_dropcluster --stop "$ver" "$name" >/dev/null 2>&1 || true
pg_createcluster -p "$port" "$ver" "$name" >/dev/null
pg_ctlcluster "$ver" "$name" start
for _ in $(seq 1 30); do
  su postgres -c "psql -p $port -Atqc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -p $port -qc \"create role palisade login superuser password 'palisade'\""
mount -t tmpfs -o size=20m tmpfs "$small"

export PALISADE_FAULT_PG="postgres://palisade:palisade@127.0.0.1:$port/postgres"
export PALISADE_FAULT_PG_RESTART="pg_ctlcluster $ver $name restart -m fast"
export PALISADE_FAULT_DISK="$small"
log=/tmp/palisade-faults.log
cargo test -p palisade-http --test api --locked faults:: -- --ignored --test-threads=1 --nocapture \
  >"$log" 2>&1 || { tail -n 60 "$log" >&2; echo "database faults: FAILED (log in $log)"; exit 1; }
echo "database faults: $(grep -E '^test result' "$log" | tail -n1 | sed 's/^test result: //'); $(grep -E '^postgres restart:' "$log" | tail -n1)"
