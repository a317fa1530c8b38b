#!/bin/sh
# Prints the address of the master that any reachable Sentinel names for REDIS_MASTER_NAME
# (asking every task of REDIS_SENTINEL_SERVICE), or nothing when none answers. The
# Sentinels' password comes in REDISCLI_AUTH.
set -u
for host in $(getent ahosts "tasks.${REDIS_SENTINEL_SERVICE:?}" 2>/dev/null | awk '{print $1}' | sort -u); do
  answer="$(redis-cli --no-auth-warning -h "$host" -p 26379 SENTINEL get-master-addr-by-name "${REDIS_MASTER_NAME:?}" 2>/dev/null | head -1)"
  case "$answer" in '' | *ERR* | *NOAUTH* | *refused*) ;; *) echo "$answer"; exit 0 ;; esac
done
