#!/usr/bin/env bash
# The official postgres image's entrypoint, as far as the stacks use it.
set -Eeuo pipefail

if [[ "${1:0:1}" == '-' ]]; then set -- postgres "$@"; fi

# As the official image: VAR_FILE names a file holding VAR (Docker secrets).
file_env() {
  local var="$1" file="${1}_FILE"
  if [[ -n "${!var:-}" && -n "${!file:-}" ]]; then echo "both $var and $file are set" >&2; exit 1; fi
  if [[ -n "${!file:-}" ]]; then export "$var"="$(<"${!file}")"; unset "$file"; fi
}

if [[ "$1" == postgres ]]; then file_env POSTGRES_PASSWORD; fi

if [[ "$1" == postgres && "$(id -u)" == 0 ]]; then
  mkdir -p "$PGDATA" && chmod 00700 "$PGDATA" || :
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  exec gosu postgres "$BASH_SOURCE" "$@"
fi

if [[ "$1" == postgres && ! -s "$PGDATA/PG_VERSION" ]]; then
  : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
  user="${POSTGRES_USER:-postgres}" db="${POSTGRES_DB:-${POSTGRES_USER:-postgres}}"
  initdb --username="$user" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") ${POSTGRES_INITDB_ARGS:-} >/dev/null
  printf '\nhost all all all %s\n' "${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >> "$PGDATA/pg_hba.conf"
  # Initialise on the socket only, with the command's own settings (its hba_file and
  # ident_file included), as the official image does.
  pg_ctl -D "$PGDATA" -o "$(printf '%q ' "${@:2}") -c listen_addresses='' -p 5432" -w start >/dev/null
  if [[ "$db" != postgres ]]; then
    psql -v ON_ERROR_STOP=1 --username "$user" --no-password --dbname postgres -c "CREATE DATABASE \"$db\"" >/dev/null
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) echo "running $f"; . "$f" ;;
      *.sql) echo "running $f"; psql -v ON_ERROR_STOP=1 --username "$user" --no-password --dbname "$db" -f "$f" ;;
      *) ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo 'PostgreSQL init process complete; ready for start up.'
fi

exec "$@"
