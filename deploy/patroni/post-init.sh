#!/bin/sh
# Patroni's post_init: the application's database, once, on the first leader.
set -eu
psql -v ON_ERROR_STOP=1 "$1" -c "CREATE DATABASE ${POSTGRES_DB:-codex_gateway}"
