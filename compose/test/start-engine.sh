#!/usr/bin/env bash
# The Docker engine the compose and HA tests run on, as this kind of machine allows it:
# installs what is missing (docker.io, docker-compose, debootstrap) and starts dockerd with
# no iptables and no default bridge (compose puts every container on a network of its own;
# published ports go through docker-proxy). Does nothing when an engine already answers.
set -euo pipefail
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || missing+=(docker-compose)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if (( ${#missing[@]} )); then
  echo "installing ${missing[*]} (apt)…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! docker info >/dev/null 2>&1; then
  echo "starting dockerd…"
  mkdir -p /var/log/codex-gateway
  nohup dockerd --iptables=false --bridge=none >/var/log/codex-gateway/dockerd.log 2>&1 &
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start; see /var/log/codex-gateway/dockerd.log" >&2; exit 1; }
fi
