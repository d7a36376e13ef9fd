#!/usr/bin/env bash
# The pipeline benchmark: writes synthetic Japanese corpora (tsunagu synth) of each size,
# builds each twice in a child process (first into an empty output, then over the
# previous output), and copies the output tree with `cp -r` in the same run as the disk
# floor. Prints a Markdown table (wall time, peak RSS, build/floor ratio).
#   SIZES=1000,10000 scripts/bench.sh      # choose sizes (default 1000,10000,100000)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p tsunagu --locked
exec ./target/release/tsunagu bench --sizes "${SIZES:-1000,10000,100000}" --work "${WORK:-target/bench}"
