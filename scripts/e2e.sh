#!/usr/bin/env bash
# Runs the real-browser tests in end2end/ against a fresh, in-memory Docket server.
# Needs an existing build (scripts/build.sh) and `npm ci` in end2end/; does not build anything.
source "$(dirname "$0")/env.sh"

BIN="$CARGO_TARGET_DIR/debug/docket"
if [[ ! -x "$BIN" ]]; then
  echo "e2e: no server binary at $BIN; build first (scripts/build.sh)" >&2
  exit 1
fi
if [[ ! -f "$SITE_ROOT/pkg/docket.wasm" ]]; then
  echo "e2e: no browser bundle in $SITE_ROOT/pkg; build first (scripts/build.sh)" >&2
  exit 1
fi
if [[ ! -d "$ROOT/end2end/node_modules/@playwright/test" || ! -d "$ROOT/end2end/node_modules/@apidevtools/swagger-parser" ]]; then
  echo "e2e: installing test dependencies (npm ci in end2end/)" >&2
  (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/docket-e2e.XXXXXX")"
LOG="$WORK/server.log"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
BASE_URL="http://127.0.0.1:$PORT"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

SERVER_PID="" SINK_PID="" IMAP_PID=""
cleanup() {
  for pid in "$SERVER_PID" "$SINK_PID" "$IMAP_PID"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

show_log() {
  echo "---- server log (last 60 lines) ----" >&2
  tail -n 60 "$LOG" >&2 || true
  echo "------------------------------------" >&2
}

# Real mail servers for the journeys: an SMTP server that keeps what Docket sends (as JSON files
# the specs read) and a Dovecot IMAP server whose Maildir the mailbox journey delivers into.
SMTP_PORT="$(free_port)"
MAIL_OUT="$WORK/mail-out"
python3 "$ROOT/scripts/smtp_sink.py" "$MAIL_OUT" "$SMTP_PORT" >"$WORK/smtp.log" 2>&1 &
SINK_PID=$!
IMAP_PORT="$(free_port)"
IMAP_DIR="$WORK/imap"
# Dovecot's own users (auth, mail) must reach its directory inside this one.
chmod 0755 "$WORK"
# Dovecot's own master stays in the foreground (-F) so that this PID stops it.
"$ROOT/scripts/dovecot.sh" "$IMAP_DIR" "$IMAP_PORT" >"$WORK/imap.log" 2>&1 &
IMAP_PID=$!
for _ in $(seq 1 60); do
  if python3 -c "import socket,sys; s=socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1); s.close()" "$SMTP_PORT" 2>/dev/null \
    && python3 -c "import socket,sys; s=socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1); sys.exit(0 if s.recv(64).startswith(b'* OK') else 1)" "$IMAP_PORT" 2>/dev/null; then
    break
  fi
  sleep 0.25
done

DOCKET_MAIL_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" \
DOCKET_MAIL_FROM="Docket Help Desk <help@docket.test>" \
DOCKET_ADDR="127.0.0.1:$PORT" \
DOCKET_BASE_URL="$BASE_URL" \
DOCKET_DATABASE_URL="mem://" \
DOCKET_SITE_ROOT="$SITE_ROOT" \
DOCKET_CONFIG=/nonexistent \
  "$BIN" >"$LOG" 2>&1 &
SERVER_PID=$!

# Wait (at most ~30 s) until the server says it is ready.
ready=""
for _ in $(seq 1 60); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "e2e: the server exited before it was ready" >&2
    show_log
    exit 1
  fi
  if [[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/readyz" || true)" == "200" ]]; then
    ready=1
    break
  fi
  sleep 0.5
done
if [[ -z "$ready" ]]; then
  echo "e2e: the server was not ready at $BASE_URL/readyz within 30 s" >&2
  show_log
  exit 1
fi

# The one-time first-run link the server prints when no administrator exists yet.
SETUP_LINK="$(grep -o 'http[^ ]*/setup?token=[0-9a-f]*' "$LOG" | head -1 || true)"
if [[ -z "$SETUP_LINK" ]]; then
  echo "e2e: the server log has no setup link" >&2
  show_log
  exit 1
fi

export DOCKET_BASE_URL="$BASE_URL"
export DOCKET_SETUP_LINK="$SETUP_LINK"
export DOCKET_SERVER_LOG="$LOG"
# What Docket mailed (one JSON file per message) and the IMAP server the mailbox journey uses.
export DOCKET_E2E_MAIL_OUT="$MAIL_OUT"
export DOCKET_E2E_IMAP_PORT="$IMAP_PORT"
export DOCKET_E2E_MAILDIR="$IMAP_DIR/mail"
echo "e2e: server at $BASE_URL"

status=0
(cd "$ROOT/end2end" && npx --no-install playwright test "$@") || status=$?
if [[ $status -ne 0 ]]; then
  show_log
  mkdir -p "$ROOT/end2end/test-results"
  cp "$LOG" "$ROOT/end2end/test-results/server.log" || true
  echo "e2e: full server log kept at end2end/test-results/server.log" >&2
fi
exit "$status"
