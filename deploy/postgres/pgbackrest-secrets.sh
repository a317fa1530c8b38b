#!/bin/bash
# `pgbackrest` in the compose images (ahead of /usr/bin/pgbackrest on PATH, so the primary's
# archive_command and the backup service both run it): pgBackRest itself, with
#   - the secrets of the S3 repository (repo2) read from Docker secret files:
#       PGBACKREST_REPO2_S3_KEY_FILE, PGBACKREST_REPO2_S3_KEY_SECRET_FILE,
#       PGBACKREST_REPO2_CIPHER_PASS_FILE
#     and handed over as pgBackRest's own PGBACKREST_REPO2_* variables, in this process's
#     environment only (never a container's environment, a command line or a file);
#   - empty PGBACKREST_* variables dropped (compose passes an unset .env value as empty,
#     e.g. PGBACKREST_REPO2_STORAGE_CA_FILE without a private CA), so that the settings
#     in /etc/pgbackrest/pgbackrest.conf apply.
set -euo pipefail
for name in REPO2_S3_KEY REPO2_S3_KEY_SECRET REPO2_CIPHER_PASS; do
  file_var="PGBACKREST_${name}_FILE"
  if [[ -n "${!file_var:-}" ]]; then
    value="$(<"${!file_var}")"
    if [[ -n "$value" ]]; then export "PGBACKREST_${name}=$value"; fi
  fi
  unset "$file_var"
done
for var in ${!PGBACKREST_@}; do
  if [[ -z "${!var}" ]]; then unset "$var"; fi
done
exec /usr/bin/pgbackrest "$@"
