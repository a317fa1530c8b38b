#!/bin/sh
# Redis in the compose stacks: the shared redis.conf and a password (requirepass) from a
# Docker secret, REDIS_PASSWORD_FILE (or REDIS_PASSWORD), written into a config file that
# only Redis reads rather than onto the command line, where ps and docker inspect show it.
# Then the image's own entrypoint (which drops to the redis user).
#   arguments: more redis-server settings, e.g. --maxmemory 2gb
# Under Sentinel (the Swarm stack: REDIS_MASTER_NAME and REDIS_SENTINEL_SERVICE set) it
# starts as a replica of the master the Sentinels name, or, when none names one yet (a
# new stack), of REDIS_SEED_MASTER; the seed (REDIS_SEED=yes) then starts as the master.
set -eu
if [ -n "${REDIS_PASSWORD_FILE:-}" ]; then
  password="$(cat "$REDIS_PASSWORD_FILE")"
else
  password="${REDIS_PASSWORD:-}"
fi
unset REDIS_PASSWORD
if [ -z "$password" ]; then
  echo "$0: set REDIS_PASSWORD_FILE (or REDIS_PASSWORD): this Redis takes no client without a password" >&2
  exit 1
fi
conf=/tmp/gateway-redis.conf
umask 077
{
  echo 'include /usr/local/etc/redis/redis.conf'
  # A quoted string, its backslashes and double quotes escaped.
  quoted="$(printf '%s' "$password" | sed 's/[\\"]/\\&/g')"
  printf 'requirepass "%s"\nmasterauth "%s"\n' "$quoted" "$quoted"
  if [ -n "${REDIS_MASTER_NAME:-}" ]; then
    master="$(REDISCLI_AUTH="$password" sh /usr/local/bin/gateway-redis-master.sh)"
    self="$(hostname -i | tr ' ' '\n')"
    if [ -n "$master" ] && ! printf '%s\n' "$self" | grep -qx "$master"; then
      echo "replicaof $master 6379"
    elif [ -z "$master" ] && [ "${REDIS_SEED:-}" != yes ]; then
      echo "replicaof $REDIS_SEED_MASTER 6379"
    fi
  fi
} >"$conf"
if [ "$(id -u)" = 0 ]; then chown redis:redis "$conf"; fi
exec docker-entrypoint.sh redis-server "$conf" "$@"
