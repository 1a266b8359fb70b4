#!/usr/bin/env bash
# Installs what building Docket needs, skipping whatever is already there (see ../shared/TOOLCHAIN.md):
# the wasm32 target, wasm-bindgen CLI (must equal the wasm-bindgen crate in Cargo.lock), mold for
# fast links, and - for release builds - binaryen's wasm-opt from npm and brotli (the bench).
# Usage: scripts/install-tools.sh [--release] [--test]
source "$(dirname "$0")/env.sh"

want_release=false want_test=false
for arg in "$@"; do
  case "$arg" in
    --release) want_release=true ;;
    --test) want_test=true ;;
  esac
done

say() { printf '==> %s\n' "$*" >&2; }

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]} (apt)"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown || {
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
}

apt_install mold
# Again, now that mold is here: every build on this machine, this one's too, links with it (a
# change of linker flags rebuilds everything, so the first build must already use them).
source "$(dirname "$0")/env.sh"

wbg_version=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/, ""); print; exit}' "$ROOT/Cargo.lock")
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wbg_version" ]; then
  say "installing wasm-bindgen-cli $wbg_version (about 13 minutes once per machine)"
  # No --locked: its lockfile names a webpki-roots release the registry does not serve.
  cargo install wasm-bindgen-cli --version "$wbg_version"
fi

# The benchmark reports the bundle's brotli size too.
$want_release && apt_install brotli

if $want_release && ! command -v wasm-opt >/dev/null 2>&1; then
  say "installing wasm-opt (binaryen 132 from npm)"
  mkdir -p "$DOCKET_TOOLS"
  (cd "$DOCKET_TOOLS" && npm install --silent --no-audit --no-fund binaryen@132.0.0 >/dev/null)
fi

if $want_test; then
  apt_install chromium dovecot-imapd
  # A real SurrealDB server for the scale-out tests (the registry's surrealdb-server crate behind a
  # two-line main); cargo makes this a no-op once built.
  say "building the SurrealDB server for the scale-out tests (tools/surreal-server)"
  cargo build --release --locked --quiet --manifest-path "$ROOT/tools/surreal-server/Cargo.toml"
  if [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ] || [ ! -d "$ROOT/end2end/node_modules/@apidevtools/swagger-parser" ]; then
    say "installing Playwright (no browser download: Debian's Chromium is used)"
    (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund)
  fi
fi
