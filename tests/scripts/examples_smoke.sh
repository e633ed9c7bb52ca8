#!/usr/bin/env bash
# Runs the documented examples against a real ditto-mock-upstream, exactly as the README shows.
set -euo pipefail
cd "$(dirname "$0")/../.."

cargo build -q -p ditto-mock-upstream -p ditto-llm --examples --bin ditto-mock-upstream
BIN="${CARGO_TARGET_DIR:-target}/debug"
log="$(mktemp)"
"$BIN/ditto-mock-upstream" --port 0 >"$log" 2>&1 &
mock_pid=$!
trap 'kill $mock_pid 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 100); do
  grep -q '^listening on ' "$log" && break
  sleep 0.05
done
url="$(sed -n 's/^listening on //p' "$log" | head -1)"
[ -n "$url" ] || { echo "mock upstream did not start"; cat "$log"; exit 1; }

export OPENAI_API_KEY=sk-smoke OPENAI_BASE_URL="$url/v1"
pass=0; fail=0
check() { # name expected actual
  if [ "$2" = "$3" ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $1: expected [$2] got [$3]"; fi
}

out="$("$BIN/examples/generate_text" openai:gpt-4o-mini "Hello there")"
check generate_text "echo: Hello there" "$out"
out="$("$BIN/examples/stream_text" openai:gpt-4o-mini "Hello streaming world")"
check stream_text "echo: Hello streaming world" "$out"
out="$("$BIN/examples/generate_text" mock:echo "no network")"
check mock "echo: no network" "$out"

set +e
err="$(OPENAI_BASE_URL=http://127.0.0.1:9/v1 "$BIN/examples/generate_text" openai:gpt-4o-mini hi 2>&1 >/dev/null)"; rc=$?
set -e
check error-exit-code 1 "$rc"
case "$err" in "error: connection: "*) pass=$((pass+1));; *) fail=$((fail+1)); echo "FAIL error-message: [$err]";; esac
set +e
"$BIN/examples/generate_text" >/dev/null 2>&1; rc=$?
set -e
check usage-exit-code 2 "$rc"

echo "examples: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
