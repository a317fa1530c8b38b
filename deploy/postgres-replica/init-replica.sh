#!/usr/bin/env bash
# Entry point of the replica container (compose): on an empty data directory, clone the
# primary with pg_basebackup -R (standby.signal + primary_conninfo) as the replication
# role, then run Postgres with the same config files as the primary. The password reaches
# libpq through a password file, never a command line or postgresql.auto.conf. The native
# stack does the same steps in tools/stack/src/services/postgres.ts.
#   PRIMARY_HOST, PRIMARY_PORT (5432), REPLICATION_USER (replicator),
#   REPLICATION_PASSWORD_FILE (a Docker secret) or REPLICATION_PASSWORD, PGDATA
set -euo pipefail
: "${PRIMARY_HOST:?}" "${PGDATA:?}"
PRIMARY_PORT="${PRIMARY_PORT:-5432}"
REPLICATION_USER="${REPLICATION_USER:-replicator}"
SLOT="${REPLICATION_SLOT:-gateway_replica}"
if [[ -n "${REPLICATION_PASSWORD_FILE:-}" ]]; then
  password="$(<"$REPLICATION_PASSWORD_FILE")"
else
  password="${REPLICATION_PASSWORD:?set REPLICATION_PASSWORD_FILE (or REPLICATION_PASSWORD)}"
fi
unset REPLICATION_PASSWORD

# libpq reads a password file only when nobody but its owner may read it: a copy of the
# secret, rewritten at every start (outside the data volume), in libpq's format.
passfile=/var/lib/postgresql/replication.pgpass
(umask 077 && printf '*:*:*:%s:%s\n' "$REPLICATION_USER" "$(printf '%s' "$password" | sed 's/[\\:]/\\&/g')" >"$passfile")
export PGPASSFILE="$passfile"
conninfo="host=$PRIMARY_HOST port=$PRIMARY_PORT user=$REPLICATION_USER passfile=$passfile"

if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  until pg_isready -q -h "$PRIMARY_HOST" -p "$PRIMARY_PORT"; do sleep 1; done
  # A slot keeps the WAL the replica still needs while it is away.
  psql -d "$conninfo dbname=postgres" -qAt -c \
    "SELECT pg_create_physical_replication_slot('$SLOT') WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = '$SLOT')" >/dev/null
  mkdir -p "$PGDATA"
  pg_basebackup -d "$conninfo" -D "$PGDATA" -R -X stream -c fast -S "$SLOT"
  chmod 700 "$PGDATA"
fi

# Streams as this role with this file (a replica cloned before kept the owner and its
# password in postgresql.auto.conf: replaced here).
auto="$PGDATA/postgresql.auto.conf"
sed -i '/^[[:space:]]*primary_conninfo[[:space:]]*=/d' "$auto"
printf "primary_conninfo = '%s'\n" "$conninfo" >>"$auto"

exec postgres -c config_file=/etc/postgresql/postgresql.conf -c hba_file=/etc/postgresql/pg_hba.conf \
  -c ident_file=/etc/postgresql/pg_ident.conf "$@"
