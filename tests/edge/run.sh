#!/usr/bin/env bash
# End-to-end suite of the workspace in both runtimes:
#   1. native: `tsunagu serve` (portal + workspace, SQLite file, demo seed) → journey
#   2. Workers: worker-build (release wasm) → `wrangler d1 migrations apply --local` →
#      `wrangler dev` (workerd, local D1 and R2, demo seed through the D1 adapter) →
#      journey + static portal headers → browser test (headless Chromium, phone size)
# Every server runs in its own process group (setsid) and is stopped by group on exit.
# Called by tests/run.sh; runs alone too: `tests/edge/run.sh` (installs what it needs).
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! declare -F step >/dev/null; then
  source tests/lib/setup.sh
fi

OUT="$PWD/tests/out/edge"
rm -rf "$OUT"
mkdir -p "$OUT" tests/artifacts

# node is the one tool setup.sh guarantees (no python3 or curl needed on a fresh machine).
free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }
http_ok() { node -e 'fetch(process.argv[1], { redirect: "manual" }).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))' "$1"; }

GROUPS_TO_STOP=()
stop_all() {
  for g in "${GROUPS_TO_STOP[@]}"; do
    kill -TERM -- "-$g" 2>/dev/null || true # already gone is fine
  done
}
trap stop_all EXIT

# wait_ready URL LOG SECONDS: polls until URL answers 200; on timeout shows the log.
wait_ready() {
  local url=$1 log=$2 limit=$3 start=$SECONDS
  until http_ok "$url"; do
    if (( SECONDS - start > limit )); then
      echo "not ready after ${limit}s: $url" >&2
      tail -40 "$log" >&2
      return 1
    fi
    sleep 0.2
  done
}

step "edge e2e 1/3: native server (tsunagu serve: portal + workspace on SQLite)"
cargo build -p tsunagu --locked --quiet
NATIVE_PORT=$(free_port)
setsid target/debug/tsunagu serve --port "$NATIVE_PORT" --workspace-db "$OUT/native/workspace.sqlite" \
  >"$OUT/native.log" 2>&1 </dev/null &
GROUPS_TO_STOP+=($!)
wait_ready "http://127.0.0.1:$NATIVE_PORT/pro/login" "$OUT/native.log" 120
# The demo accounts as `tsunagu serve` printed them: login, password, TOTP secret.
DEMO_PASSWORD=$(awk '$1 == "admin" { print $2; exit }' "$OUT/native.log")
export DEMO_PASSWORD
while read -r login _ secret _; do
  export "TOTP_${login//[^A-Za-z0-9]/_}=$secret"
done < <(awk '/^  [a-z][a-z.]+ / && NF >= 4 { print $1, $2, $3, $4 }' "$OUT/native.log")
[ -n "$DEMO_PASSWORD" ] && [ -n "${TOTP_admin:-}" ] || { echo "no demo accounts printed" >&2; cat "$OUT/native.log" >&2; exit 1; }
LABEL="native (SQLite)" node tests/edge/journey.mjs "http://127.0.0.1:$NATIVE_PORT"
# Stopped now: it watches content/ and would rebuild public/ under wrangler's feet.
stop_all
GROUPS_TO_STOP=()

step "edge e2e 2/3: Workers build (worker-build --release) and local D1"
# Own target dir: the wasm build then never waits on a native cargo run holding target/.
(cd edge && CARGO_TARGET_DIR="$PWD/../target/edge-wasm" worker-build --release) >"$OUT/worker-build.log" 2>&1 || { tail -40 "$OUT/worker-build.log"; exit 1; }
ls -l edge/build/index_bg.wasm
[ -f public/_headers ] || { echo "public/_headers missing: the portal build did not write it" >&2; exit 1; }
wrangler d1 migrations apply DB --local --persist-to "$OUT/d1" >"$OUT/migrate.log" 2>&1 || { cat "$OUT/migrate.log"; exit 1; }
grep -q "0001_init.sql" "$OUT/migrate.log"

step "edge e2e 3/3: wrangler dev (workerd): journey, static headers, browser"
WORKERD_PORT=$(free_port)
TSUNAGU_PREBUILT=1 setsid wrangler dev --ip 127.0.0.1 --port "$WORKERD_PORT" --persist-to "$OUT/d1" \
  --var TSUNAGU_DEMO:1 --show-interactive-dev-session=false >"$OUT/wrangler.log" 2>&1 </dev/null &
GROUPS_TO_STOP+=($!)
wait_ready "http://127.0.0.1:$WORKERD_PORT/pro/login" "$OUT/wrangler.log" 90
LABEL="workerd (wasm, D1, R2)" STATIC=1 node tests/edge/journey.mjs "http://127.0.0.1:$WORKERD_PORT"
node tests/edge/browser.mjs "http://127.0.0.1:$WORKERD_PORT"

stop_all
trap - EXIT
echo "edge e2e: native and workerd journeys and the browser test passed"
