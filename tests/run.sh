#!/usr/bin/env bash
# Runs every test of tsunagu, installing what it needs first. This is the command the
# README gives and CI runs (`.ci/run`).
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/lib/setup.sh

step "Rust unit, fixture and Router tests"
cargo test --workspace --locked

step "Browser suite: search, map, accessibility (axe), print (headless Chromium)"
tests/browser/run.sh

step "Workspace end-to-end: native server and workerd (wasm, local D1), browser at phone size"
tests/edge/run.sh
