#!/usr/bin/env bash
# The run command: installs missing tools, makes a release build and starts Docket on
# http://127.0.0.1:3000 with the embedded database under ./data. On first run it prints a
# one-time setup link that creates the first administrator.
source "$(dirname "$0")/env.sh"
cd "$ROOT"

"$ROOT/scripts/install-tools.sh" --release
# Again: the linker flags depend on whether mold was just installed.
source "$ROOT/scripts/env.sh"
"$ROOT/scripts/build.sh" --release
mkdir -p data
export DOCKET_SITE_ROOT="${DOCKET_SITE_ROOT:-$SITE_ROOT}"
exec "$CARGO_TARGET_DIR/release/docket" "$@"
