#!/usr/bin/env bash
# The official redis image's entrypoint, as far as the stacks use it.
set -eu
if [[ "${1#-}" != "$1" || "${1%.conf}" != "$1" ]]; then set -- redis-server "$@"; fi
if [[ "$1" == redis-server && "$(id -u)" == 0 ]]; then
  find . \! -user redis -exec chown redis '{}' +
  exec gosu redis "$0" "$@"
fi
umask 0077
exec "$@"
