#!/bin/sh
# As the official image: a first argument that is an option, or `haproxy`, runs HAProxy in
# the foreground, master-worker.
set -e
if [ "${1#-}" != "$1" ]; then set -- haproxy "$@"; fi
if [ "$1" = haproxy ]; then shift; set -- haproxy -W -db "$@"; fi
exec "$@"
