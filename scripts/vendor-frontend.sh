#!/usr/bin/env bash
# Copies the front-end libraries the theme uses from node_modules (pinned in
# package.json / package-lock.json) into themes/default/static/vendor/, so the portal
# never loads them from a CDN. The copy is committed: a municipality can build its site
# with `tsunagu build` alone, without npm. Run this after changing the versions; the
# browser suite (tests/browser/run.sh) fails when the committed copy and node_modules differ.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=themes/default/static/vendor
mode=${1:-write}   # "check" compares instead of copying

files=(
  "node_modules/leaflet/dist/leaflet.js:leaflet/leaflet.js"
  "node_modules/leaflet/dist/leaflet.css:leaflet/leaflet.css"
  "node_modules/leaflet/dist/images/marker-icon.png:leaflet/images/marker-icon.png"
  "node_modules/leaflet/dist/images/marker-icon-2x.png:leaflet/images/marker-icon-2x.png"
  "node_modules/leaflet/dist/images/marker-shadow.png:leaflet/images/marker-shadow.png"
  "node_modules/leaflet/dist/images/layers.png:leaflet/images/layers.png"
  "node_modules/leaflet/dist/images/layers-2x.png:leaflet/images/layers-2x.png"
  "node_modules/leaflet/LICENSE:leaflet/LICENSE"
  "node_modules/leaflet.markercluster/dist/leaflet.markercluster.js:leaflet.markercluster/leaflet.markercluster.js"
  "node_modules/leaflet.markercluster/dist/MarkerCluster.css:leaflet.markercluster/MarkerCluster.css"
  "node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css:leaflet.markercluster/MarkerCluster.Default.css"
  "node_modules/leaflet.markercluster/MIT-LICENCE.txt:leaflet.markercluster/MIT-LICENCE.txt"
)
status=0
for pair in "${files[@]}"; do
  src=${pair%%:*}; dst=$dest/${pair#*:}
  if [ "$mode" = check ]; then
    cmp -s "$src" "$dst" || { echo "vendored copy differs from $src: run scripts/vendor-frontend.sh" >&2; status=1; }
  else
    mkdir -p "$(dirname "$dst")"; cp "$src" "$dst"
  fi
done
if [ "$mode" != check ]; then
  {
    echo "Copied from node_modules by scripts/vendor-frontend.sh — do not edit."
    node -e 'for (const p of ["leaflet","leaflet.markercluster"]) { const j=require("./node_modules/"+p+"/package.json"); console.log(p+" "+j.version+" ("+j.license+")"); }'
  } > "$dest/VERSIONS.txt"
fi
exit $status
