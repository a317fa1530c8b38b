#!/bin/bash
# The compose healthcheck of nginx: healthy when nginx answers HTTP on its own port (any
# status: a backend need not be up for nginx to be), and, where the backend follower runs
# (BACKEND_SERVICE set: docker-entrypoint.d/40-follow-backends.sh), its loop has come
# round within FOLLOWER_STALE_S seconds (30): a dead or stuck follower would leave nginx
# routing to a backend set that no longer exists.
set -uo pipefail
port="${GATEWAY_LISTEN:-12322}"
port="${port##*:}"
heartbeat="${FOLLOWER_HEARTBEAT:-/tmp/backend-follower.alive}"
status="$(timeout 3 bash -c '
  exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
  printf "GET / HTTP/1.0\r\nHost: healthcheck\r\n\r\n" >&3
  read -r protocol status _ <&3
  [[ "$protocol" == HTTP/* ]] && echo "$status"' _ "$port" 2>/dev/null)"
if [[ -z "$status" ]]; then
  echo "nginx does not answer on port $port"
  exit 1
fi
if [[ -n "${BACKEND_SERVICE:-}" ]]; then
  if [[ ! -e "$heartbeat" ]]; then
    echo "the backend follower has not started"
    exit 1
  fi
  age=$(($(date +%s) - $(stat -c %Y "$heartbeat")))
  if ((age > ${FOLLOWER_STALE_S:-30})); then
    echo "the backend follower's loop last came round ${age}s ago"
    exit 1
  fi
  echo "nginx answers ($status); the follower came round ${age}s ago"
else
  echo "nginx answers ($status)"
fi
