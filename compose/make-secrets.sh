#!/usr/bin/env bash
# Makes the Docker secrets of docker-compose.production.yml, one file each, in
# compose/secrets/ (GATEWAY_SECRETS_DIR): random passwords, pepper and admin token; empty
# files for what only you can fill in (the upstream key, payment and SMTP credentials).
# An existing file is never touched, so running it again adds only what is missing.
#   compose/make-secrets.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${GATEWAY_SECRETS_DIR:-$here/secrets}"
mkdir -p "$dir"
# The directory keeps them from other users of this host; inside the containers the files
# must be readable by the services' own users (postgres, redis, node), hence 644.
chmod 700 "$dir"

make() { # name, content
  local file="$dir/$1"
  if [[ -e "$file" ]]; then echo "kept     $file"; return; fi
  (umask 022 && printf '%s\n' "$2" >"$file")
  if [[ -n "$2" ]]; then echo "made     $file"; else echo "EMPTY    $file (fill it in, or leave it empty to go without)"; fi
}
random() { openssl rand -hex "$1"; }

make postgres_password "$(random 24)"       # the owner role gateway (Postgres and the migrate step only)
make database_password "$(random 24)"       # the backends' role gateway_app
make replication_password "$(random 24)"    # the replica's role replicator
make redis_password "$(random 24)"
make key_pepper "$(random 32)"              # changing it later invalidates every API key
make admin_token "adm-$(random 24)"
# Empty: channel keys sealed with a key derived from KEY_PEPPER. An existing deployment
# must keep what it had; a new one may put `openssl rand -hex 32` here.
make channel_encryption_key ""
make upstream_api_key ""                    # the provider's API key
make stripe_secret_key ""                   # sk_live_…, with stripe_webhook_secret
make stripe_webhook_secret ""               # whsec_…
make epay_key ""                            # with EPAY_GATEWAY_URL and EPAY_PID in .env
make smtp_url ""                            # smtps://user:password@host:465
# Backups: the passphrase that encrypts the off-host repository (pgBackRest repo2). Keep a
# copy away from this host (a password manager, a sealed envelope): without it the S3
# backups cannot be read, and a new host restoring from them needs it.
make backup_cipher_pass "$(openssl rand -base64 48 | tr -d '\n')"
make backup_s3_key ""                       # the bucket's access key id
make backup_s3_key_secret ""                # and its secret
# Alerts: the receiver's webhook URL (it carries its token) and the SMTP password.
make alert_webhook_url ""
make alert_smtp_password ""
