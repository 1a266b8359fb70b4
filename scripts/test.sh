#!/usr/bin/env bash
# The test command: installs what the tests need, then runs every check and test:
# formatting, clippy (server and wasm builds), the wasm dependency guard, unit and integration
# tests (real server on port 0, in-memory and on-disk SurrealDB), and the Playwright journeys in
# Debian's Chromium. Builds in the dev profile; keeps its cache in $CARGO_TARGET_DIR.
source "$(dirname "$0")/env.sh"
cd "$ROOT"

"$ROOT/scripts/install-tools.sh" --test
# Again: the linker flags depend on whether mold was just installed.
source "$ROOT/scripts/env.sh"

step() { printf '\n==> %s\n' "$*" >&2; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (server)"
cargo clippy --features ssr --all-targets -- -D warnings

step "clippy (browser, wasm32)"
cargo clippy --lib --target wasm32-unknown-unknown --features hydrate -- -D warnings

step "the browser bundle must not depend on surrealdb"
if cargo tree --target wasm32-unknown-unknown --features hydrate -e normal,build --prefix none | grep -q '^surrealdb'; then
  echo "surrealdb appears in the wasm dependency tree" >&2
  exit 1
fi

step "build"
"$ROOT/scripts/build.sh"

step "unit and integration tests"
cargo test --features ssr

step "end-to-end journeys (Playwright + Chromium)"
"$ROOT/scripts/e2e.sh"
