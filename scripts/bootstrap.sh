#!/usr/bin/env bash
# Installs what the stack needs before `npm start` / `npm test`: Debian packages
# (PostgreSQL, Redis, nginx) when missing, node modules when missing or stale, then builds
# the services and, when its sources changed, the web console.
#   --no-apt      skip the system package check (npm run down)
#   --no-console  skip the web console's build (commands that run no nginx: down, ops)
#   --test        also the tools the tests use (docker-compose, to validate the compose files;
#                 Chromium and CJK fonts, for the console's browser tests and their screenshots)
set -euo pipefail
cd "$(dirname "$0")/.."

check_apt=1
with_test_tools=0
with_console=1
for arg in "$@"; do
  [[ "$arg" == "--no-apt" ]] && check_apt=0
  [[ "$arg" == "--test" ]] && with_test_tools=1
  [[ "$arg" == "--no-console" ]] && with_console=0
done

if (( check_apt )); then
  missing=()
  compgen -G '/usr/lib/postgresql/*/bin/pg_basebackup' >/dev/null || missing+=(postgresql)
  command -v psql >/dev/null || missing+=(postgresql-client)
  command -v redis-server >/dev/null || missing+=(redis-server)
  # Sentinel: the Redis failover tests run a master, a replica and sentinels natively.
  command -v redis-sentinel >/dev/null || missing+=(redis-sentinel)
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx-light)
  # Prometheus: `npm start -- --monitoring`, and promtool for the alert-rule tests.
  command -v promtool >/dev/null || missing+=(prometheus)
  if (( with_test_tools )); then
    command -v docker-compose >/dev/null || missing+=(docker-compose)
    # Debian's Chromium, driven by playwright-core (which downloads no browser of its own).
    command -v chromium >/dev/null || missing+=(chromium)
    # Without CJK fonts, the console's Chinese pages screenshot as boxes.
    dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
  fi
  if (( ${#missing[@]} )); then
    if [[ $(id -u) -eq 0 ]]; then
      echo "installing ${missing[*]} (apt)…"
      # The stack runs its own Postgres clusters: Debian's default one is not wanted.
      mkdir -p /etc/postgresql-common
      [[ -f /etc/postgresql-common/createcluster.conf ]] || echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
      # Debian starts services on install; the stack starts its own on other ports.
      service redis-server stop >/dev/null 2>&1 || true
      service redis-sentinel stop >/dev/null 2>&1 || true
      service nginx stop >/dev/null 2>&1 || true
      service prometheus stop >/dev/null 2>&1 || true
    else
      echo "Missing system packages: ${missing[*]}. Install them with:"
      echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
      exit 1
    fi
  fi
fi
export PATH="/usr/sbin:$PATH"

# npm ci when node_modules is missing or older than the lockfile.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "installing node modules (npm ci)…"
  # --include=dev: the stack runs on tsx and the build on tsc, also when the caller's
  # environment says NODE_ENV=production (which would leave dev dependencies out).
  npm ci --include=dev --no-audit --no-fund --loglevel=error
fi

npm run --silent build

# The web console (nginx serves services/console/dist): built when the build is missing or
# older than any of its sources, so repeated runs do not rebuild it.
console=services/console
if (( with_console )) && [[ -f "$console/index.html" ]]; then
  stale="$(find "$console/src" "$console/public" "$console/index.html" "$console/package.json" "$console/tsconfig.json" \
    "$console"/vite.config.* "$console"/postcss.config.* -newer "$console/dist/index.html" -print -quit 2>/dev/null || true)"
  if [[ ! -f "$console/dist/index.html" || -n "$stale" ]]; then
    echo "building the web console (vite)…"
    if ! npm run --silent build -w "$console"; then
      # Tests must not run against a stale console; a developer's stack starts all the same.
      (( with_test_tools )) && exit 1
      echo "WARNING: the web console did not build (above); nginx serves the previous build, if any." >&2
    fi
  fi
fi
