#!/bin/sh
# Alertmanager in the production compose file: writes its configuration from .env settings
# and Docker secrets (Alertmanager reads no environment variables), then runs it. One
# receiver, `operators`, gets every alert Prometheus sends (deploy/prometheus/*alerts.yml),
# grouped by alert name, through whichever of these is set:
#   a webhook   the secret alert_webhook_url (Slack, Mattermost, Teams via a bridge,
#               PagerDuty's or Opsgenie's generic webhook, your own): Alertmanager's JSON
#               is POSTed to it. A secret, because such URLs carry their token.
#   e-mail      ALERT_EMAIL_TO, ALERT_EMAIL_FROM, ALERT_SMTP_SMARTHOST (host:port),
#               ALERT_SMTP_USERNAME and the secret alert_smtp_password (empty: no auth),
#               ALERT_SMTP_REQUIRE_TLS (true)
# With neither, alerts are only shown by Alertmanager (and Prometheus), and the log says so.
#   ALERT_GROUP_WAIT (30s), ALERT_REPEAT_INTERVAL (4h)
# Runs with busybox's sh in the official image (POSIX sh only).
set -eu
secret() { if [ -n "${1:-}" ] && [ -r "$1" ]; then tr -d '\r\n' <"$1"; fi; }
quote() { printf '"%s"' "$(printf '%s' "$1" | sed 's/[\\"]/\\&/g')"; } # a YAML double-quoted string
webhook="$(secret "${ALERT_WEBHOOK_URL_FILE:-}")"
smtp_password="$(secret "${ALERT_SMTP_PASSWORD_FILE:-}")"
if [ -n "${ALERT_EMAIL_TO:-}" ] && { [ -z "${ALERT_EMAIL_FROM:-}" ] || [ -z "${ALERT_SMTP_SMARTHOST:-}" ]; }; then
  echo "$0: ALERT_EMAIL_TO needs ALERT_EMAIL_FROM and ALERT_SMTP_SMARTHOST" >&2
  exit 1
fi
conf=/tmp/alertmanager.yml
umask 077
{
  echo 'route:'
  echo '  receiver: operators'
  echo '  group_by: [alertname, job]'
  echo "  group_wait: ${ALERT_GROUP_WAIT:-30s}"
  echo '  group_interval: 5m'
  echo "  repeat_interval: ${ALERT_REPEAT_INTERVAL:-4h}"
  echo 'receivers:'
  echo '  - name: operators'
  if [ -n "$webhook" ]; then
    echo '    webhook_configs:'
    echo "      - url: $(quote "$webhook")"
    echo '        send_resolved: true'
  fi
  if [ -n "${ALERT_EMAIL_TO:-}" ]; then
    echo '    email_configs:'
    echo "      - to: $(quote "$ALERT_EMAIL_TO")"
    echo "        from: $(quote "$ALERT_EMAIL_FROM")"
    echo "        smarthost: $(quote "$ALERT_SMTP_SMARTHOST")"
    echo "        require_tls: ${ALERT_SMTP_REQUIRE_TLS:-true}"
    echo '        send_resolved: true'
    if [ -n "${ALERT_SMTP_USERNAME:-}" ]; then
      echo "        auth_username: $(quote "$ALERT_SMTP_USERNAME")"
      echo "        auth_password: $(quote "$smtp_password")"
    fi
  fi
} >"$conf"
if [ -z "$webhook" ] && [ -z "${ALERT_EMAIL_TO:-}" ]; then
  echo "$0: no receiver configured (alert_webhook_url, ALERT_EMAIL_TO): alerts go nowhere but Alertmanager's own API" >&2
fi
# No peers: one Alertmanager (no gossip port).
exec /bin/alertmanager --config.file="$conf" --storage.path=/alertmanager --cluster.listen-address= "$@"
