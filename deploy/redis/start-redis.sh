#!/bin/sh
# Redis in the compose stacks: the shared redis.conf and a password (requirepass) from a
# Docker secret, REDIS_PASSWORD_FILE (or REDIS_PASSWORD), written into a config file that
# only Redis reads rather than onto the command line, where ps and docker inspect show it.
# Then the image's own entrypoint (which drops to the redis user).
#   arguments: more redis-server settings, e.g. --maxmemory 2gb
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
  printf 'requirepass "%s"\n' "$(printf '%s' "$password" | sed 's/[\\"]/\\&/g')"
} >"$conf"
if [ "$(id -u)" = 0 ]; then chown redis:redis "$conf"; fi
exec docker-entrypoint.sh redis-server "$conf" "$@"
