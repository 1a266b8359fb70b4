#!/usr/bin/env bash
# Builds the browser bundle into $SITE_ROOT and the server binary.
# Usage: scripts/build.sh [--release]
source "$(dirname "$0")/env.sh"
cd "$ROOT"

release=false
[ "${1:-}" = "--release" ] && release=true

if $release; then
  wasm_profile=wasm-release; wasm_dir=wasm-release; server_flags=(--release)
else
  # --all-targets: the test binaries' dev-dependencies unify features with the server's, so the
  # server binary built here is the one `cargo test` uses and nothing is compiled twice.
  wasm_profile=dev; wasm_dir=debug; server_flags=(--all-targets)
fi

echo "==> building the browser bundle ($wasm_profile)" >&2
cargo build --lib --target wasm32-unknown-unknown --features hydrate --profile "$wasm_profile"
pkg="$SITE_ROOT/pkg"
rm -rf "$pkg" && mkdir -p "$pkg"
wasm-bindgen --target web --no-typescript --out-dir "$pkg" --out-name docket \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/$wasm_dir/docket.wasm"
# Leptos asks for /pkg/docket.wasm (LEPTOS_OUTPUT_NAME is set at compile time).
mv "$pkg/docket_bg.wasm" "$pkg/docket.wasm"
if $release; then
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$pkg/docket.wasm" -o "$pkg/docket.wasm"
fi
cp style/docket.css "$pkg/docket.css"
cp -r public/. "$SITE_ROOT/"

echo "==> building the server" >&2
cargo build --features ssr "${server_flags[@]}"
