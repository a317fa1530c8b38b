#!/bin/sh
# The official nginx image's entrypoint: before nginx starts, run every executable
# /docker-entrypoint.d/*.sh and source every *.envsh, in order.
set -e
if [ "$1" = nginx ] || [ "$1" = nginx-debug ]; then
  for f in $(find /docker-entrypoint.d/ -follow -type f -print | sort -V); do
    case "$f" in
      *.envsh) if [ -x "$f" ]; then echo "$0: sourcing $f"; . "$f"; fi ;;
      *.sh) if [ -x "$f" ]; then echo "$0: launching $f"; "$f"; else echo "$0: ignoring $f, not executable"; fi ;;
      *) ;;
    esac
  done
  echo "$0: configuration complete; ready for start up"
fi
exec "$@"
