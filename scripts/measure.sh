#!/usr/bin/env bash
# Prints the foundation's figures for BENCHMARKS.md: the browser bundle's size (raw, gzip, brotli
# when available), the release server's start-up time to a 200 from /readyz, and its resident
# memory at rest and after 30 sign-ins. Needs a release build (scripts/build.sh --release).
# Usage: scripts/measure.sh
source "$(dirname "$0")/env.sh"
cd "$ROOT"

BIN="$CARGO_TARGET_DIR/release/docket"
PKG="$SITE_ROOT/pkg"
[ -x "$BIN" ] && [ -f "$PKG/docket.wasm" ] || { echo "build first: scripts/build.sh --release" >&2; exit 1; }

size() { stat -c %s "$1"; }
compressed() { if command -v "$1" >/dev/null 2>&1; then "$1" -9 -c "$2" | wc -c; else echo "n/a"; fi; }
echo "| file | raw | gzip -9 | brotli -9 |"
echo "| --- | ---: | ---: | ---: |"
for f in docket.wasm docket.js docket.css; do
  echo "| $f | $(size "$PKG/$f") | $(compressed gzip "$PKG/$f") | $(compressed brotli "$PKG/$f") |"
done

WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export DOCKET_CONFIG=/nonexistent DOCKET_ADDR="127.0.0.1:$PORT" DOCKET_BASE_URL="http://127.0.0.1:$PORT"
export DOCKET_DATABASE_URL="surrealkv://$WORK/docket.db" DOCKET_SITE_ROOT="$SITE_ROOT" DOCKET_LOG=warn
PID=""
trap 'if [ -n "$PID" ]; then kill "$PID" 2>/dev/null; fi; rm -rf "$WORK"' EXIT

# Starts the server and sets PID and STARTED_MS (time until /readyz answered 200).
start_server() {
  local t0 t1
  t0=$(date +%s%N)
  "$BIN" > "$WORK/log" 2>&1 &
  PID=$!
  until curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do sleep 0.005; done
  t1=$(date +%s%N)
  STARTED_MS=$(( (t1 - t0) / 1000000 ))
}
stop_server() { kill -TERM "$PID"; wait "$PID" 2>/dev/null || true; PID=""; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$PID/status"; }

echo
start_server
first=$STARTED_MS
link=$(grep -o 'http[^ ]*/setup?token=[0-9a-f]*' "$WORK/log" | head -1)
curl -sf -o /dev/null -X POST "http://127.0.0.1:$PORT/rpc/complete_setup" \
  -d "token=${link##*=}&email=ops@example.com&name=Ops&password=correct+horse+battery"
for i in $(seq 1 30); do
  curl -sf -o /dev/null -X POST "http://127.0.0.1:$PORT/rpc/sign_up" \
    -d "email=c$i@example.com&name=C$i&password=correct+horse+battery"
done
stop_server
start_server
restart=$STARTED_MS
sleep 2
at_rest=$(rss)
for i in $(seq 1 30); do
  curl -sf -o /dev/null -X POST "http://127.0.0.1:$PORT/rpc/sign_in" -d "email=c$i@example.com&password=correct+horse+battery"
done
after=$(rss)
stop_server
echo "| measure | value |"
echo "| --- | ---: |"
echo "| start-up to 200 from /readyz, new datastore | ${first} ms |"
echo "| start-up to 200 from /readyz, 31 accounts | ${restart} ms |"
echo "| resident memory at rest | $(( at_rest / 1024 )) MiB |"
echo "| resident memory after 30 sign-ins (argon2id) | $(( after / 1024 )) MiB |"
