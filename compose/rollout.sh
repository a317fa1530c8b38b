#!/usr/bin/env bash
# Rolling upgrade of the backends with no failed request (compose has no rolling update
# of its own): migrate with the new image, start as many new replicas as are running,
# wait until every new one is healthy, then stop the old ones one at a time. A stopping replica answers /healthz
# "draining" for DRAIN_DELAY_MS, nginx's follower drops it, and it finishes what it has.
#   compose/rollout.sh [compose args…]     e.g. -f compose/docker-compose.production.yml
# Build or tag the new image first (GATEWAY_VERSION selects the tag).
set -euo pipefail
compose() {
  if docker compose version >/dev/null 2>&1; then docker compose "$@"; else docker-compose "$@"; fi
}

old=($(compose "$@" ps -q backend))
count=${#old[@]}
(( count > 0 )) || { echo "no backend is running" >&2; exit 1; }
# Migrations first, by the one-shot migrate service with the new image (the backends hold
# no owner password); keep them backward compatible with the version still serving.
if compose "$@" config --services | grep -qx migrate; then
  echo "rollout: migrating with the new image"
  compose "$@" run --rm --no-deps migrate
fi
echo "rollout: $count running; starting $count new"
compose "$@" up -d --no-deps --no-recreate --scale "backend=$((count * 2))" backend

is_old() { local id; for id in "${old[@]}"; do [[ "$1" == "$id"* || "$id" == "$1"* ]] && return 0; done; return 1; }
deadline=$((SECONDS + ${ROLLOUT_TIMEOUT_S:-180}))
while :; do
  healthy=0
  for id in $(compose "$@" ps -q backend); do
    is_old "$id" && continue
    [[ "$(docker inspect -f '{{.State.Health.Status}}' "$id")" == healthy ]] && healthy=$((healthy + 1))
  done
  (( healthy >= count )) && break
  if (( SECONDS > deadline )); then
    echo "rollout: the new replicas are not healthy; stopping them, the old ones keep serving" >&2
    for id in $(compose "$@" ps -q backend); do is_old "$id" || docker rm -f "$id" >/dev/null; done
    exit 1
  fi
  sleep 1
done
echo "rollout: $count new replicas healthy; retiring the old ones"
for id in "${old[@]}"; do
  docker stop -t 40 "$id" >/dev/null && docker rm "$id" >/dev/null
  echo "rollout: retired ${id:0:12}"
done
echo "rollout: done"
