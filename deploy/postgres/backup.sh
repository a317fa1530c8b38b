#!/bin/bash
# pgBackRest in the compose stacks, run by the `backup` service (as user postgres):
#   gateway-backup schedule          stanza-create, then a full backup every FULL_EVERY_S
#                                    (default a week) and a differential every DIFF_EVERY_S
#                                    (default a day); WAL is archived continuously by the
#                                    primary's archive_command in between
#   gateway-backup backup [full|diff|incr]   one backup now
#   gateway-backup info              what the repository holds
#   gateway-backup restore [TIME]    into an EMPTY data volume: the latest state, or the
#                                    state at TIME ("2026-11-26 10:00:00+00"); the primary
#                                    then replays WAL up to it and is promoted
set -euo pipefail
stanza=gateway
pgbackrest() { command pgbackrest --stanza="$stanza" "$@"; }

wait_for_primary() {
  until pg_isready -q -h /var/run/postgresql; do sleep 1; done
}

case "${1:-schedule}" in
  schedule)
    wait_for_primary
    pgbackrest stanza-create
    pgbackrest check
    full_every="${FULL_EVERY_S:-604800}" diff_every="${DIFF_EVERY_S:-86400}"
    last_full=0 last_diff=0
    # A repository that already holds a full backup (a restarted service) starts with a diff.
    if pgbackrest info --output=json | grep -q '"type":"full"'; then last_full=$(date +%s); fi
    while true; do
      now=$(date +%s)
      if (( now - last_full >= full_every )); then
        pgbackrest --type=full backup && last_full=$now last_diff=$now
      elif (( now - last_diff >= diff_every )); then
        pgbackrest --type=diff backup && last_diff=$now
      fi
      sleep 30 & wait $!
    done
    ;;
  backup) pgbackrest --type="${2:-full}" backup ;;
  info) pgbackrest info ;;
  restore)
    if [[ -s "$PGDATA/PG_VERSION" ]]; then
      echo "refusing to restore: $PGDATA already holds a database (restore into an empty volume)" >&2
      exit 1
    fi
    if [[ -n "${2:-}" ]]; then
      pgbackrest --type=time --target="$2" --target-action=promote restore
    else
      pgbackrest restore
    fi
    echo "restored into $PGDATA; start the stack and the primary replays WAL up to the target"
    ;;
  *) echo "usage: gateway-backup schedule|backup [full|diff|incr]|info|restore [TIME]" >&2; exit 2 ;;
esac
