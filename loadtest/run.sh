#!/usr/bin/env bash
# Capacity test of one tier against the local stack:
#   npm run loadtest -- --tier 20|100|500|1k [--reseed] [--users N]
# (or `bash loadtest/run.sh …` once `npm start` has been bootstrapped).
# Installs the load-test dependencies when missing, starts the stack when none answers
# (and stops it at the end, only then), seeds the tier's users, runs artillery, writes
# loadtest/reports/<tier>-<timestamp>.{json,md,log} and prints the markdown. Exits 1 when a
# threshold fails, 2 on bad arguments, 3 when the stack cannot be started or seeded.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
export ARTILLERY_DISABLE_TELEMETRY=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

usage() {
  sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

tier=20
seed_args=()
while (( $# )); do
  case "$1" in
    --tier) tier="${2:-}"; shift 2 || { usage; exit 2; } ;;
    --tier=*) tier="${1#--tier=}"; shift ;;
    --reseed) seed_args+=(--reseed); shift ;;
    --users) seed_args+=(--users "${2:-}"); shift 2 || { usage; exit 2; } ;;
    --users=*) seed_args+=(--users "${1#--users=}"); shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
case "$tier" in
  20|100|500|1k) ;;
  1000) tier=1k ;;
  *) echo "--tier must be 20, 100, 500 or 1k (got \"$tier\")" >&2; exit 2 ;;
esac

# The stack's directory, as tools/stack reads it (STACK_DIR, relative to the repository).
stack_dir="${STACK_DIR:-.stack}"
[[ "$stack_dir" = /* ]] || stack_dir="$root/$stack_dir"
stack_json="$stack_dir/stack.json"

mkdir -p "$here/data" "$here/reports"
chmod 700 "$here/data"

# One load test at a time on this machine.
exec 9>"$here/data/.lock"
if ! flock -n 9; then
  echo "Another load test is running (lock $here/data/.lock); wait for it to finish." >&2
  exit 3
fi

# --- dependencies (artillery is not a workspace: its own lockfile, installed here only) ---
if [[ ! -f "$here/node_modules/.package-lock.json" || "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]]; then
  echo "installing the load-test dependencies (npm ci in loadtest/)…"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

# --- the stack ---
gateway_url() {
  [[ -f "$stack_json" ]] && node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).gatewayUrl ?? "")' "$stack_json" 2>/dev/null
}
ready() {
  local url
  url="$(gateway_url)" || return 1
  [[ -n "$url" ]] && curl -fsS -m 3 -o /dev/null "$url/healthz" 2>/dev/null
}

started_stack=0
stack_pid=""
cleanup() {
  local rc=$?
  if (( started_stack )); then
    echo "stopping the stack this run started (npm run down)…"
    (cd "$root" && npm run --silent down) || true
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ready; then
  echo "using the running stack at $(gateway_url)"
else
  log="$stack_dir/loadtest-stack.log"
  mkdir -p "$stack_dir"
  echo "no stack answers; starting one (npm start, output in ${log#"$root/"})…"
  marker="$(mktemp)"
  # Its own session: a Ctrl-C here reaches the stack only through `npm run down` above.
  (cd "$root" && exec setsid -w npm start >"$log" 2>&1 </dev/null) &
  stack_pid=$!
  started_stack=1
  deadline=$((SECONDS + 180))
  until [[ -f "$stack_json" && "$stack_json" -nt "$marker" ]] && ready; do
    if ! kill -0 "$stack_pid" 2>/dev/null; then
      started_stack=0
      echo "npm start exited before the stack was ready; the end of ${log#"$root/"}:" >&2
      tail -n 20 "$log" >&2
      rm -f "$marker"
      exit 3
    fi
    if (( SECONDS > deadline )); then
      echo "the stack was not ready after 180 s; the end of ${log#"$root/"}:" >&2
      tail -n 20 "$log" >&2
      rm -f "$marker"
      exit 3
    fi
    sleep 1
  done
  rm -f "$marker"
  echo "stack ready at $(gateway_url)"
fi
target="$(gateway_url)"

# --- seed ---
if ! node "$here/seed.mjs" --tier "$tier" --stack "$stack_json" ${seed_args[@]+"${seed_args[@]}"}; then
  echo "seeding failed" >&2
  exit 3
fi

# --- run ---
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
base="$here/reports/$tier-$stamp"
load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || true)"
echo "running tier $tier against $target (report: ${base#"$root/"}.json)…"
set +e
# WORKERS is the stack's variable; unset here so artillery picks its own worker count.
(cd "$here" && env -u WORKERS node node_modules/artillery/bin/run run \
  --target "$target" --output "$base.json" common.yml "tiers/$tier.yml") 2>&1 | tee "$base.log"
artillery_rc=${PIPESTATUS[0]}
set -e
if [[ ! -s "$base.json" ]]; then
  echo "artillery wrote no report (exit $artillery_rc); see ${base#"$root/"}.log" >&2
  exit 1
fi

set +e
node "$here/summarize.mjs" --tier "$tier" --report "$base.json" --out "$base.md" \
  --stack "$stack_json" --artillery-exit "$artillery_rc" --load-before "$load_before"
summary_rc=$?
set -e
echo
cat "$base.md"
echo
echo "report: ${base#"$root/"}.json  summary: ${base#"$root/"}.md  log: ${base#"$root/"}.log"
if (( summary_rc != 0 || artillery_rc != 0 )); then
  echo "FAIL: at least one threshold was not met." >&2
  exit 1
fi
echo "PASS: every threshold met."
