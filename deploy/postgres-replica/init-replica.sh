#!/usr/bin/env bash
# Entry point of the replica container (compose): on an empty data directory, clone the
# primary with pg_basebackup -R (standby.signal + primary_conninfo), then run Postgres
# with the same config files as the primary. The native stack does the same steps in
# tools/stack/src/services/postgres.ts.
#   PRIMARY_HOST, PRIMARY_PORT (5432), REPLICATION_USER, REPLICATION_PASSWORD, PGDATA
set -euo pipefail
: "${PRIMARY_HOST:?}" "${REPLICATION_USER:?}" "${REPLICATION_PASSWORD:?}" "${PGDATA:?}"
PRIMARY_PORT="${PRIMARY_PORT:-5432}"
SLOT="${REPLICATION_SLOT:-gateway_replica}"

if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  until pg_isready -q -h "$PRIMARY_HOST" -p "$PRIMARY_PORT"; do sleep 1; done
  export PGPASSWORD="$REPLICATION_PASSWORD"
  # A slot keeps the WAL the replica still needs while it is away.
  psql -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$REPLICATION_USER" -d postgres -qAt -c \
    "SELECT pg_create_physical_replication_slot('$SLOT') WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = '$SLOT')" >/dev/null
  mkdir -p "$PGDATA"
  pg_basebackup -d "host=$PRIMARY_HOST port=$PRIMARY_PORT user=$REPLICATION_USER password=$REPLICATION_PASSWORD" \
    -D "$PGDATA" -R -X stream -c fast -S "$SLOT"
  chmod 700 "$PGDATA"
fi

exec postgres -c config_file=/etc/postgresql/postgresql.conf -c hba_file=/etc/postgresql/pg_hba.conf "$@"
