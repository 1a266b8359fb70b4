#!/usr/bin/env bash
# The benchmark (BENCHMARKS.md): builds the release server and browser bundle, the SurrealDB
# server for the replica figures and the bench itself, then runs it. Arguments go to the bench:
#   scripts/bench.sh                                   # 10k, 100k, 1M tickets and two replicas
#   scripts/bench.sh --sizes 10000 --data /tmp/bench   # one size, keeping the seeded datastore
#   scripts/bench.sh --record                          # also write the table into BENCHMARKS.md
# Run it on an otherwise idle machine: the load generator shares the cores with the server.
source "$(dirname "$0")/env.sh"
cd "$ROOT"

"$ROOT/scripts/install-tools.sh" --release
# Again: the linker flags depend on whether mold was just installed.
source "$ROOT/scripts/env.sh"
"$ROOT/scripts/build.sh" --release
cargo build --release --locked --quiet --manifest-path "$ROOT/tools/surreal-server/Cargo.toml"
cargo build --release --features ssr --example bench

args=("$@")
[ ${#args[@]} -eq 0 ] && args=(--replicas)
exec "$CARGO_TARGET_DIR/release/examples/bench" "${args[@]}"
