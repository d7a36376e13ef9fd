#!/usr/bin/env bash
# Scale run of the open data import: the national 国土地理院 指定緊急避難場所 set (about
# 115,000 places: ../shared/data/gsi-emergency-nationwide-ex-aichi + aichi-gsi-shelters/emergency)
# imported into a fresh content directory, then built. Prints wall time and peak memory of both
# steps (GNU time). Not part of tests/run.sh: it takes the machine for a while.
#   usage: tests/opendata/scale.sh [WORKDIR]   (run from the repository root)
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=../shared/data
WORK=${1:-$(mktemp -d)}
BIN=target/release/tsunagu
[ -n "${SKIP_BUILD:-}" ] || cargo build --release -q -p tsunagu
rm -rf "$WORK/content" "$WORK/public"
mkdir -p "$WORK/content"
cp content/site.yaml content/categories.yaml "$WORK/content/"
TIME=/usr/bin/time
echo "== import"
$TIME -v "$BIN" import "$DATA/gsi-emergency-nationwide-ex-aichi" "$DATA/aichi-gsi-shelters/emergency" \
  --dataset gsi-emergency --content "$WORK/content" --quiet 2> "$WORK/import.time"
grep -E "Elapsed|Maximum resident" "$WORK/import.time"
echo "resources: $(ls "$WORK/content/resources" | wc -l)"
echo "== build"
$TIME -v "$BIN" build --content "$WORK/content" --out "$WORK/public" --quiet 2> "$WORK/build.time"
grep -E "Elapsed|Maximum resident" "$WORK/build.time"
echo "== second import (nothing changed)"
$TIME -v "$BIN" import "$DATA/gsi-emergency-nationwide-ex-aichi" "$DATA/aichi-gsi-shelters/emergency" \
  --dataset gsi-emergency --content "$WORK/content" --quiet 2> "$WORK/reimport.time"
grep -E "Elapsed|Maximum resident" "$WORK/reimport.time"
