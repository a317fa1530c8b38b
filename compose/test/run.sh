#!/usr/bin/env bash
# `npm run test:compose`: the compose stacks, run for real. Installs and starts what it
# needs (Docker engine, docker-compose, debootstrap), builds the registry stand-ins and the
# project's images, then runs compose/test/*.test.ts one file at a time.
#   KEEP_COMPOSE=1   leave the stacks running after the tests (to look around)
set -euo pipefail
cd "$(dirname "$0")/../.."

bash scripts/bootstrap.sh --no-apt >/dev/null

bash compose/test/start-engine.sh

started=$SECONDS
compose/test/build-stand-ins.sh
echo "stand-ins ready in $((SECONDS - started)) s"

export DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0
# What a crashed or killed run left (its process gone): removed now, and again when this
# script ends however it ends, after the test it was running has taken its own stack down
# (compose-project.ts takes a test's stacks down on SIGTERM and at exit).
leftovers() { npx tsx compose/test/remove-leftovers.ts || echo "could not remove what earlier runs left" >&2; }
test_pid=0
finish() {
  if (( test_pid )) && kill -0 "$test_pid" 2>/dev/null; then
    echo "stopping the compose test (its stacks come down)…" >&2
    kill -TERM -- "-$test_pid" 2>/dev/null || kill -TERM "$test_pid" 2>/dev/null || true
    wait "$test_pid" 2>/dev/null || true
  fi
  # The test process itself may outlive npx while it takes its stacks down: wait for the
  # whole group (at most 3 minutes).
  if (( test_pid )); then
    for _ in $(seq 180); do kill -0 -- "-$test_pid" 2>/dev/null || break; sleep 1; done
  fi
  [[ -n "${KEEP_COMPOSE:-}" ]] || leftovers
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
[[ -n "${KEEP_COMPOSE:-}" ]] || leftovers
# One file at a time (node 20 runs the files of one invocation side by side, whatever
# --test-concurrency says): each stack has the machine to itself. Each in a process group of
# its own (setsid), in the background, so that a signal to this script reaches it through
# finish() and the test takes its stack down before the leftovers are looked for.
rc=0
for file in compose/test/production.test.ts compose/test/development.test.ts; do
  setsid npx tsx --test --test-reporter=spec "$file" &
  test_pid=$!
  wait "$test_pid" || rc=1
  test_pid=0
done
# Images the project builds, with their sizes, for the record.
docker images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^codex-gateway/(backend|mock-upstream|postgres|nginx|mail-catcher|test-s3):' || true
echo "compose tests done in $((SECONDS - started)) s"
exit "$rc"
