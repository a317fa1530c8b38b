#!/bin/bash
# pgBackRest in the compose stacks, run by the `backup` service (as user postgres). Every
# backup goes to both repositories (pgbackrest.conf: repo1 local, repo2 encrypted in S3).
#   gateway-backup schedule          stanza-create, then a full backup every FULL_EVERY_S
#                                    (default a week) and a differential every DIFF_EVERY_S
#                                    (default a day), in each repository; WAL is archived
#                                    continuously by the primary's archive_command in between.
#                                    Also makes the monitoring role (below) and writes the
#                                    backup metrics.
#   gateway-backup backup [full|diff|incr]   one backup now, in each repository
#   gateway-backup info              what the repositories hold
#   gateway-backup restore [--repo=N] [TIME]
#                                    into an EMPTY data volume: the latest state, or the
#                                    state at TIME ("2026-11-26 10:00:00+00"), from the
#                                    repository that has it (repo1 first), or from repo N
#                                    (--repo=2: the S3 copy, when this host's is gone); the
#                                    primary then replays WAL up to it and is promoted
#   gateway-backup health            the compose healthcheck: the schedule is alive (not
#                                    stuck) and its last backup did not fail
#
# Metrics (node-exporter's textfile collector reads BACKUP_METRICS_DIR):
#   gateway_backup_last_success_timestamp_seconds{repo,type}  end of the newest backup
#   gateway_backup_repo_ok{repo}                              1 when pgBackRest can read it
#   gateway_backup_last_attempt_failed                        1 when the last backup failed
set -euo pipefail
stanza=gateway
pgbackrest() { command pgbackrest --stanza="$stanza" "$@"; }
metrics_dir="${BACKUP_METRICS_DIR:-/var/lib/gateway-backup-metrics}"
state=/tmp/gateway-backup.state # "<idle|backup> <since, epoch s> <last attempt ok|failed>"

wait_for_primary() {
  until pg_isready -q -h /var/run/postgresql; do sleep 1; done
}

# The role postgres-exporter connects as (over the socket: pg_ident.conf maps the OS user
# nobody to it): the built-in pg_monitor, nothing else. Kept here because this service is
# the one that runs as the owner beside the primary; a restored database brings it along.
ensure_monitor_role() {
  psql -h /var/run/postgresql -U gateway -d codex_gateway -v ON_ERROR_STOP=1 -qAt <<'SQL' >/dev/null
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gateway_monitor') THEN
    CREATE ROLE gateway_monitor LOGIN;
  END IF;
END $$;
GRANT pg_monitor TO gateway_monitor;
SQL
}

set_state() { # idle|backup, ok|failed (default: keep)
  local last="${2:-}"
  if [[ -z "$last" && -f "$state" ]]; then read -r _ _ last <"$state" || true; fi
  echo "$1 $(date +%s) ${last:-ok}" >"$state.new" && mv "$state.new" "$state"
}

write_metrics() { # last attempt ok|failed
  [[ -d "$metrics_dir" && -w "$metrics_dir" ]] || return 0
  local info file="$metrics_dir/gateway_backup.prom"
  info="$(pgbackrest info --output=json 2>/dev/null)" || info='[]'
  {
    echo '# HELP gateway_backup_last_success_timestamp_seconds When the newest backup of this type in this pgBackRest repository finished.'
    echo '# TYPE gateway_backup_last_success_timestamp_seconds gauge'
    jq -r '(.[0].backup // []) | group_by([.database["repo-key"], .type])[] | max_by(.timestamp.stop)
      | "gateway_backup_last_success_timestamp_seconds{repo=\"\(.database["repo-key"])\",type=\"\(.type)\"} \(.timestamp.stop)"' <<<"$info"
    echo '# HELP gateway_backup_repo_ok Whether pgBackRest reads this repository and its stanza (1) or not (0).'
    echo '# TYPE gateway_backup_repo_ok gauge'
    jq -r '(.[0].repo // [])[] | "gateway_backup_repo_ok{repo=\"\(.key)\"} \(if .status.code == 0 then 1 else 0 end)"' <<<"$info"
    echo '# HELP gateway_backup_last_attempt_failed Whether the last scheduled backup failed (1) or not (0).'
    echo '# TYPE gateway_backup_last_attempt_failed gauge'
    echo "gateway_backup_last_attempt_failed $([[ "$1" == failed ]] && echo 1 || echo 0)"
  } >"$file.tmp" && mv "$file.tmp" "$file"
}

backup_now() { # type: one backup into each repository; ok|failed on stdout's last line
  local type="$1" result=ok repo
  set_state backup
  for repo in 1 2; do
    pgbackrest --repo="$repo" --type="$type" backup >&2 || result=failed
  done
  set_state idle "$result"
  write_metrics "$result"
  echo "$result"
}

case "${1:-schedule}" in
  schedule)
    set_state idle ok
    wait_for_primary
    ensure_monitor_role
    pgbackrest stanza-create
    pgbackrest check
    full_every="${FULL_EVERY_S:-604800}" diff_every="${DIFF_EVERY_S:-86400}"
    last_full=0 last_diff=0 last_metrics=0
    # A repository that already holds a full backup (a restarted service) starts with a diff.
    if pgbackrest --repo=1 info --output=json | grep -q '"type":"full"'; then last_full=$(date +%s); fi
    while true; do
      now=$(date +%s)
      if (( now - last_full >= full_every )); then
        [[ "$(backup_now full)" == ok ]] && last_full=$now last_diff=$now
        last_metrics=$now
      elif (( now - last_diff >= diff_every )); then
        [[ "$(backup_now diff)" == ok ]] && last_diff=$now
        last_metrics=$now
      elif (( now - last_metrics >= 900 )); then
        read -r _ _ last <"$state" || last=ok
        write_metrics "$last" && last_metrics=$now
      fi
      set_state idle
      sleep 30 & wait $!
    done
    ;;
  backup) [[ "$(backup_now "${2:-full}")" == ok ]] ;;
  info) pgbackrest info ;;
  health)
    # Idle: the loop came round within 5 minutes. Backing up: for at most BACKUP_MAX_S
    # (default 12 h). And the last backup attempt succeeded.
    read -r what since last <"$state"
    age=$(($(date +%s) - since))
    if [[ "$last" != ok ]]; then echo "the last backup failed (gateway-backup info; the service log)"; exit 1; fi
    if [[ "$what" == idle ]] && ((age > 300)); then echo "the schedule has not come round for ${age}s"; exit 1; fi
    if [[ "$what" == backup ]] && ((age > ${BACKUP_MAX_S:-43200})); then echo "a backup has run for ${age}s"; exit 1; fi
    echo "$what for ${age}s; last backup $last"
    ;;
  restore)
    shift
    repo=()
    if [[ "${1:-}" == --repo=* ]]; then repo=("$1"); shift; fi
    if [[ -s "$PGDATA/PG_VERSION" ]]; then
      echo "refusing to restore: $PGDATA already holds a database (restore into an empty volume)" >&2
      exit 1
    fi
    if [[ -n "${1:-}" ]]; then
      pgbackrest "${repo[@]}" --type=time --target="$1" --target-action=promote restore
    else
      pgbackrest "${repo[@]}" restore
    fi
    echo "restored into $PGDATA; start the stack and the primary replays WAL up to the target"
    ;;
  *) echo "usage: gateway-backup schedule|backup [full|diff|incr]|info|restore [--repo=N] [TIME]|health" >&2; exit 2 ;;
esac
