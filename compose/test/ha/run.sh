#!/usr/bin/env bash
# `npm run test:ha`: the Swarm stack on three Docker engines on this machine, with
# failovers under load (compose/test/ha/ha.test.ts; compose/README.md, "npm run test:ha").
#   KEEP_COMPOSE=1   leave the engines and the stack running after the test (to look around)
set -euo pipefail
cd "$(dirname "$0")/../../.."
bash scripts/bootstrap.sh --no-apt >/dev/null
bash compose/test/start-engine.sh
started=$SECONDS
compose/test/build-stand-ins.sh
echo "stand-ins ready in $((SECONDS - started)) s"
export DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0
rc=0
npx tsx --test --test-reporter=spec compose/test/ha/ha.test.ts || rc=1
echo "HA test done in $((SECONDS - started)) s"
exit "$rc"
