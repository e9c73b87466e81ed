#!/usr/bin/env bash
# Makes sure a PostgreSQL server runs on 127.0.0.1:5432 with a `palisade` superuser, and
# prints the URL of its maintenance database. Installs PostgreSQL from Debian if missing.
set -euo pipefail
if ! command -v pg_lsclusters >/dev/null 2>&1; then
  echo "installing PostgreSQL" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
fi
cluster=$(pg_lsclusters --no-header | head -n1)
if [ -z "$cluster" ]; then
  ver=$(ls /usr/lib/postgresql | sort -n | tail -n1)
  pg_createcluster "$ver" main >&2
  cluster=$(pg_lsclusters --no-header | head -n1)
fi
read -r ver name _ status _ <<<"$cluster"
if [ "$status" != "online" ]; then
  pg_ctlcluster "$ver" "$name" start >&2
fi
for _ in $(seq 1 30); do
  su postgres -c "psql -Atqc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -Atqc \"select 1 from pg_roles where rolname = 'palisade'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"create role palisade login superuser password 'palisade'\"" >&2
echo "postgres://palisade:palisade@127.0.0.1:5432/postgres"
