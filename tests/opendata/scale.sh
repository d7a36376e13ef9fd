#!/usr/bin/env bash
# Scale run of the open data import: the national 国土地理院 指定緊急避難場所 set (about
# 115,000 places: ../shared/data/gsi-emergency-nationwide-ex-aichi + aichi-gsi-shelters/emergency)
# imported into a fresh content directory, built, then imported a second time (nothing
# changed). Prints, per step, wall time, CPU time (user + sys), peak memory (GNU time) and the
# load average before it, and the build's own stage breakdown. Not part of tests/run.sh: it
# takes the machine for a while.
#   usage: tests/opendata/scale.sh [WORKDIR]   (run from the repository root)
# WORKDIR must not exist yet (or be empty): deleting a previous run's 280,000 files just before
# the import makes the kernel's inode allocation several times slower for about 30 seconds on
# ext4 without a journal, which would be measured as import time.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=../shared/data
WORK=${1:-$(mktemp -d)}
BIN=target/release/tsunagu
[ -n "${SKIP_BUILD:-}" ] || cargo build --release -q -p tsunagu
if [ -n "$(ls -A "$WORK" 2>/dev/null)" ]; then
  echo "$WORK is not empty; give a new directory" >&2
  exit 2
fi
mkdir -p "$WORK/content"
cp content/categories.yaml "$WORK/content/"
# The sample's site.yaml with a map of the whole country (centre of Honshu, zoom 5), as
# a national portal would have it: with the town's map every place but Toyoake's is
# "far from the map centre", 111,068 warnings for a setting, not for the data.
sed -e 's/^  center: .*/  center: { lat: 36.2, lon: 138.25 }/' -e 's/^  zoom: .*/  zoom: 5/' \
  content/site.yaml > "$WORK/content/site.yaml"
grep -q "zoom: 5" "$WORK/content/site.yaml"
TIME=/usr/bin/time
FORMAT="wall %e s, CPU %U s user + %S s sys, peak RSS %M KB"
SOURCES=("$DATA/gsi-emergency-nationwide-ex-aichi" "$DATA/aichi-gsi-shelters/emergency")
load() { echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"; }

echo "== import"
load
$TIME -f "$FORMAT" -o "$WORK/import.time" "$BIN" import "${SOURCES[@]}" \
  --dataset gsi-emergency --content "$WORK/content" --quiet > "$WORK/import.out" 2>&1
cat "$WORK/import.time"
echo "resources: $(find "$WORK/content/resources" -name '*.yaml' | wc -l)"

echo "== build"
load
# Not --quiet: the last lines are the build's summary and its stage breakdown (内訳). Its
# warnings go to build.err.
$TIME -f "$FORMAT" -o "$WORK/build.time" "$BIN" build --content "$WORK/content" \
  --out "$WORK/public" > "$WORK/build.out" 2> "$WORK/build.err"
cat "$WORK/build.time"
grep -hE "ページ（|内訳|スレッド時間" "$WORK/build.out" "$WORK/build.err" || true

echo "== second import (nothing changed)"
load
$TIME -f "$FORMAT" -o "$WORK/reimport.time" "$BIN" import "${SOURCES[@]}" \
  --dataset gsi-emergency --content "$WORK/content" --quiet > "$WORK/reimport.out" 2>&1
cat "$WORK/reimport.time"
grep -E "変更なし" "$WORK/reimport.out"
