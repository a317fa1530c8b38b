#!/bin/sh
# A Redis Sentinel of the Swarm stack. It monitors REDIS_MASTER_NAME at the address the
# other Sentinels name (after a failover, the promoted replica), or at REDIS_SEED_MASTER
# when none answers (a new stack). Its password and the data nodes' are the Redis secret
# (REDIS_PASSWORD_FILE); the config file it rewrites lives in the container.
#   REDIS_SENTINEL_QUORUM (2), REDIS_DOWN_AFTER_MS (3000), REDIS_FAILOVER_TIMEOUT_MS (10000)
set -eu
password="$(cat "${REDIS_PASSWORD_FILE:?}")"
master="$(REDISCLI_AUTH="$password" sh /usr/local/bin/gateway-redis-master.sh)"
master="${master:-${REDIS_SEED_MASTER:?}}"
name="${REDIS_MASTER_NAME:?}"
conf=/data/sentinel.conf
umask 077
quoted="$(printf '%s' "$password" | sed 's/[\\"]/\\&/g')"
cat >"$conf" <<CONF
port 26379
sentinel resolve-hostnames yes
requirepass "$quoted"
sentinel sentinel-pass "$quoted"
sentinel monitor $name $master 6379 ${REDIS_SENTINEL_QUORUM:-2}
sentinel auth-pass $name "$quoted"
sentinel down-after-milliseconds $name ${REDIS_DOWN_AFTER_MS:-3000}
sentinel failover-timeout $name ${REDIS_FAILOVER_TIMEOUT_MS:-10000}
sentinel parallel-syncs $name 1
CONF
if [ "$(id -u)" = 0 ]; then chown redis:redis "$conf"; fi
exec docker-entrypoint.sh redis-server "$conf" --sentinel
