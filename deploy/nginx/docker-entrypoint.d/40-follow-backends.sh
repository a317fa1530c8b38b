#!/bin/bash
# Compose only (the nginx image runs /docker-entrypoint.d/*.sh before nginx starts).
# Keeps the upstream's server list equal to the backend replicas that take requests:
# every second it resolves the compose service name and asks each address for /healthz.
# A new replica joins once it answers 200; one that is stopping answers 503 "draining"
# (DRAIN_DELAY_MS) and leaves before it closes its port; one that is gone leaves too.
# On a change it rewrites the list and reloads nginx, which is graceful: requests and
# streams in flight on the old workers finish.
#   BACKEND_SERVICE  service name to resolve (unset: do nothing, the template has the servers)
#   BACKEND_PORT     the backends' port (12401)
#   BACKEND_LIST     the file the template includes (/etc/nginx/backends.inc)
#   FOLLOWER_HEARTBEAT  touched at every round of the loop (/tmp/backend-follower.alive):
#                    the compose healthcheck (deploy/nginx/healthcheck.sh) fails when it is
#                    stale, i.e. when the loop died or hangs and nginx no longer follows
set -euo pipefail
[[ -n "${BACKEND_SERVICE:-}" ]] || exit 0
port="${BACKEND_PORT:-12401}"
list="${BACKEND_LIST:-/etc/nginx/backends.inc}"
heartbeat="${FOLLOWER_HEARTBEAT:-/tmp/backend-follower.alive}"

server_line() { echo "server $1:$port max_fails=1 fail_timeout=2s;"; }

healthy() { # address → 0 when /healthz answers 200 within a second
  timeout 1 bash -c '
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "GET /healthz HTTP/1.0\r\nHost: follower\r\n\r\n" >&3
    read -r _ status _ <&3
    [[ "$status" == 200 ]]' _ "$1" "$port" 2>/dev/null
}

servers() { # the server lines of the replicas that answer, in a stable order
  local addresses
  addresses="$(getent ahostsv4 "$BACKEND_SERVICE" | awk '{ print $1 }' | sort -u)" || true
  for address in $addresses; do
    if healthy "$address"; then server_line "$address"; fi
  done
}

# Before nginx starts: the replicas that answer now; if none does yet, the service name
# (resolved once by nginx) so that nginx can start, and the loop corrects it. A name that
# does not resolve yet (a Swarm service with no task running) would stop nginx: then a
# placeholder marked down, and nginx answers 502 until a replica joins.
current="$(servers)"
if [[ -z "$current" ]]; then
  if getent hosts "$BACKEND_SERVICE" >/dev/null; then current="$(server_line "$BACKEND_SERVICE")"; else current="server 127.0.0.1:$port down;"; fi
fi
echo "$current" > "$list"
echo "$0: following $BACKEND_SERVICE:$port ($(grep -c . "$list") replicas)"

follow() {
  touch "$heartbeat"
  # Wait for nginx to be running before the first reload.
  until [[ -s /run/nginx.pid || -s /var/run/nginx.pid ]]; do sleep 0.2; done
  while sleep 1; do
    touch "$heartbeat"
    next="$(servers)"
    # No replica answering is an outage, not a reason to leave nginx with no servers.
    if [[ -n "$next" && "$next" != "$current" ]]; then
      echo "$next" > "$list.new" && mv "$list.new" "$list"
      if nginx -t -q 2>/dev/null && nginx -s reload; then
        echo "$0: backends now $(echo "$next" | awk '{ print $2 }' | tr '\n' ' ')"
        current="$next"
      fi
    fi
  done
}
follow </dev/null >/proc/1/fd/1 2>/proc/1/fd/2 &
