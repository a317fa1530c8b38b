#!/bin/bash
# Compose only (the nginx image runs /docker-entrypoint.d/*.sh before nginx starts).
# With TLS_CERT_FILE and TLS_KEY_FILE set, renders the gateway's HTTPS listener from
# /etc/nginx/gateway-tls.conf.template into /etc/nginx/tls.d/, which the gateway's server
# block includes; without them, nginx serves plain HTTP only (TLS ends at a balancer).
#   TLS_CERT_FILE, TLS_KEY_FILE  PEM files inside the container (mount them read-only)
#   TLS_LISTEN                   the HTTPS port (12443)
set -euo pipefail
dir=/etc/nginx/tls.d
mkdir -p "$dir"
rm -f "$dir/gateway.conf"
if [[ -z "${TLS_CERT_FILE:-}" && -z "${TLS_KEY_FILE:-}" ]]; then exit 0; fi
if [[ -z "${TLS_CERT_FILE:-}" || -z "${TLS_KEY_FILE:-}" ]]; then
  echo "$0: set TLS_CERT_FILE and TLS_KEY_FILE together" >&2
  exit 1
fi
for file in "$TLS_CERT_FILE" "$TLS_KEY_FILE"; do
  [[ -r "$file" ]] || { echo "$0: cannot read $file" >&2; exit 1; }
done
export TLS_LISTEN="${TLS_LISTEN:-12443}"
envsubst '${TLS_LISTEN} ${TLS_CERT_FILE} ${TLS_KEY_FILE}' < /etc/nginx/gateway-tls.conf.template > "$dir/gateway.conf"
echo "$0: serving HTTPS on $TLS_LISTEN with $TLS_CERT_FILE"
