#!/bin/bash
# A Patroni member: its name and the addresses it advertises (this task's address on the
# data network), the superuser (the schema owner, as POSTGRES_USER in the compose file) and
# the replication role with their passwords from Docker secrets, written to a file only
# postgres can read; then Patroni, as postgres.
set -euo pipefail
# A secret as a single-quoted YAML scalar.
secret() { printf "'%s'" "$(tr -d '\n' <"$1" | sed "s/'/''/g")"; }
self_ip="${PATRONI_ADVERTISE_ADDRESS:-$(hostname -i | awk '{print $1}')}"
if [[ -n "${PATRONI_DATA_NETWORK_PREFIX:-}" ]]; then
  # On several networks: the address on the data network.
  self_ip="$(ip -o -4 addr show | awk -v p="$PATRONI_DATA_NETWORK_PREFIX" '$4 ~ "^"p {split($4, a, "/"); print a[1]; exit}')"
fi
conf=/run/patroni/patroni.yml
umask 077
superuser="$(secret "${POSTGRES_PASSWORD_FILE:?}")"
replication="$(secret "${REPLICATION_PASSWORD_FILE:?}")"
# The credentials go under the file's top-level postgresql: section.
awk -v user="${POSTGRES_USER:-gateway}" -v su="$superuser" -v rep="$replication" '
  { print }
  /^postgresql:$/ {
    print "  authentication:"
    print "    superuser: {username: " user ", password: " su "}"
    print "    replication: {username: replicator, password: " rep "}"
  }' /etc/patroni/patroni.yml >"$conf"
echo "name: ${PATRONI_NAME:-$(hostname)}" >>"$conf"
export PATRONI_RESTAPI_CONNECT_ADDRESS="$self_ip:8008"
export PATRONI_POSTGRESQL_CONNECT_ADDRESS="$self_ip:5432"
chown -R postgres:postgres /run/patroni /var/lib/postgresql/patroni
chmod 700 /var/lib/postgresql/patroni
exec gosu postgres patroni "$conf"
