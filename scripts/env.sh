# Sourced by the other scripts: one place for paths and build flags, so every build shares one cache.
# shellcheck shell=bash
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
# A persistent target dir outside the checkout keeps CI incremental; a new machine starts it empty.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/docket/target}"
export DOCKET_TOOLS="${DOCKET_TOOLS:-$HOME/.cache/docket/tools}"
export PATH="$HOME/.cargo/bin:$DOCKET_TOOLS/node_modules/.bin:$PATH"
if command -v mold >/dev/null 2>&1; then
  export CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS="-C link-arg=-fuse-ld=mold"
fi
export SITE_ROOT="$CARGO_TARGET_DIR/site"
# The SurrealDB server the scale-out tests and the replica benchmark start (tools/surreal-server).
export DOCKET_SURREAL_SERVER="${DOCKET_SURREAL_SERVER:-$CARGO_TARGET_DIR/release/surreal-server}"
