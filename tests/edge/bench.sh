#!/usr/bin/env bash
# Measures the figures docs/edge-runtime.md reports (not part of the test run):
#   - wasm size (raw, gzip) of the Worker as worker-build --release makes it
#   - workerd cold start: spawn of `wrangler dev` → first 200 from the Router
#   - p50/p99 latency of a timeline page (GET /pro/people/1, signed in) with 50
#     connections, natively (release build, SQLite file) and in workerd (local D1)
#   - CPU time of the password hash (argon2id) inside workerd (tests/edge/hashbench)
# Installs `wrk` from Debian if missing. Usage: tests/edge/bench.sh [SECONDS per load run]
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/lib/setup.sh
DURATION=${1:-15}
OUT="$PWD/tests/out/edge-bench"
rm -rf "$OUT"
mkdir -p "$OUT"

if ! command -v wrk >/dev/null; then
  as_root apt-get install -y -q wrk >/dev/null 2>&1 || { as_root apt-get update -q >/dev/null && as_root apt-get install -y -q wrk >/dev/null; }
fi

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
GROUPS_TO_STOP=()
stop_all() { for g in "${GROUPS_TO_STOP[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done; GROUPS_TO_STOP=(); }
trap stop_all EXIT
ms_now() { date +%s%3N; }
wait_200() { until curl -sf -o /dev/null "$1"; do sleep 0.02; done; }

step "wasm size"
(cd edge && CARGO_TARGET_DIR="$PWD/../target/edge-wasm" worker-build --release) >"$OUT/worker-build.log" 2>&1 || { tail -30 "$OUT/worker-build.log"; exit 1; }
RAW=$(stat -c %s edge/build/index_bg.wasm)
GZ=$(gzip -9c edge/build/index_bg.wasm | wc -c)
JS=$(stat -c %s edge/build/index.js)
echo "index_bg.wasm: $RAW bytes raw, $GZ bytes gzip -9; index.js: $JS bytes"

step "workerd cold start (spawn → first 200 of /pro/login), 5 runs"
[ -f public/index.html ] || target/debug/tsunagu build --quiet 2>/dev/null || cargo run -q -p tsunagu -- build --quiet
wrangler d1 migrations apply DB --local --persist-to "$OUT/d1-cold" >/dev/null 2>&1
for i in 1 2 3 4 5; do
  P=$(free_port)
  T0=$(ms_now)
  TSUNAGU_PREBUILT=1 setsid wrangler dev --ip 127.0.0.1 --port "$P" --persist-to "$OUT/d1-cold" \
    --show-interactive-dev-session=false >"$OUT/cold-$i.log" 2>&1 </dev/null &
  GROUPS_TO_STOP+=($!)
  wait_200 "http://127.0.0.1:$P/pro/login"
  T1=$(ms_now)
  SECOND=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$P/pro/login")
  FIRST=$(grep -o 'GET /pro/login 200 OK ([0-9]*ms)' "$OUT/cold-$i.log" | head -1 | grep -o '[0-9]*ms')
  echo "run $i: spawn→first 200 $((T1 - T0)) ms; first request inside workerd $FIRST; next request ${SECOND}s"
  stop_all
  sleep 1
done

# Demo accounts (fixed: same secrets natively and on D1), printed by the native server.
NATIVE_PORT=$(free_port)
step "native server (release build of the same Router, SQLite file)"
cargo build --release --locked -q -p tsunagu-edge --example workspace
setsid target/release/examples/workspace "$OUT/native.sqlite" "127.0.0.1:$NATIVE_PORT" >"$OUT/native.log" 2>&1 </dev/null &
GROUPS_TO_STOP+=($!)
wait_200 "http://127.0.0.1:$NATIVE_PORT/pro/login"
export DEMO_PASSWORD=$(awk '$1 == "admin" { print $3; exit }' "$OUT/native.log")
while read -r login secret; do export "TOTP_${login//[^A-Za-z0-9]/_}=$secret"; done \
  < <(awk '/^  [a-z][a-z.]+ / { print $1, $NF }' "$OUT/native.log")

# load BASE LABEL: signs in as nurse.sato (on person 1's care team) and loads the page.
load() {
  local base=$1 label=$2 cookie
  cookie=$(node tests/edge/signin.mjs "$base" nurse.sato)
  curl -sf -o /dev/null -H "Cookie: $cookie" "$base/pro/people/1" || { echo "timeline page not 200 for $label" >&2; return 1; }
  # One connection (the latency of a page on its own), then 50 (queueing under load).
  # The long timeout keeps slow answers in the distribution instead of dropping them.
  for c in 1 50; do
    echo "$label: wrk -t$(( c > 1 ? 2 : 1 )) -c$c -d${DURATION}s GET /pro/people/1 (timeline page, signed in)"
    wrk -t$(( c > 1 ? 2 : 1 )) -c$c -d"${DURATION}s" --timeout 60s --latency -H "Cookie: $cookie" "$base/pro/people/1" \
      | tee "$OUT/wrk-$label-c$c.txt" | grep -E '50%|90%|99%|requests in|Requests/sec|Non-2xx|Socket errors'
  done
}
load "http://127.0.0.1:$NATIVE_PORT" native
stop_all

step "workerd (wrangler dev, local D1 with the demo seed)"
wrangler d1 migrations apply DB --local --persist-to "$OUT/d1" >/dev/null 2>&1
P=$(free_port)
TSUNAGU_PREBUILT=1 setsid wrangler dev --ip 127.0.0.1 --port "$P" --persist-to "$OUT/d1" --var TSUNAGU_DEMO:1 \
  --show-interactive-dev-session=false --log-level warn >"$OUT/workerd.log" 2>&1 </dev/null &
GROUPS_TO_STOP+=($!)
wait_200 "http://127.0.0.1:$P/pro/login"
load "http://127.0.0.1:$P" workerd
stop_all

step "password hash (argon2id) CPU time inside workerd"
(cd tests/edge/hashbench && CARGO_TARGET_DIR="$PWD/../../../target/hashbench" worker-build --release) >"$OUT/hashbench-build.log" 2>&1 \
  || { tail -30 "$OUT/hashbench-build.log"; exit 1; }
P=$(free_port)
(cd tests/edge/hashbench && setsid wrangler dev --ip 127.0.0.1 --port "$P" --show-interactive-dev-session=false \
  --persist-to "$OUT/hb" >"$OUT/hashbench.log" 2>&1 </dev/null) &
GROUPS_TO_STOP+=($!)
wait_200 "http://127.0.0.1:$P/?m=8&t=1&n=1"
for q in "m=19456&t=2" "m=12288&t=3" "m=9216&t=4" "m=7168&t=5" "m=8192&t=1" "m=4096&t=1" "m=2048&t=1"; do
  curl -s "http://127.0.0.1:$P/?$q&n=1" >/dev/null # warm (memory growth)
  INSIDE=$(curl -s "http://127.0.0.1:$P/?$q&n=10")
  OUTSIDE=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$P/?$q&n=1")
  echo "$INSIDE; one request from outside: ${OUTSIDE}s"
done
stop_all
trap - EXIT
