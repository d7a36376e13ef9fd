#!/usr/bin/env bash
# Browser suite: builds the search fixture site and drives headless Chromium over it.
# Called by tests/run.sh (after setup.sh put node 22 and chromium on PATH).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=tests/out/site-search
rm -rf "$out"
cargo run -q --locked -p tsunagu -- build --content tests/fixtures/site-search --out "$out" --quiet
scripts/vendor-frontend.sh check
node tests/browser/golden.test.cjs
node tests/browser/suite.cjs "$out"
