#!/usr/bin/env bash
# ditto-gateway's suite: cargo tests (unit + integration over real sockets against
# ditto-mock-upstream), `promtool check metrics` on a real /metrics scrape, and pytest with the
# official `openai` package against the running binaries. Installs what it needs itself.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT="$(pwd)"
export CARGO_TARGET_DIR="$ROOT/target"
start=$(date +%s)
status=0

echo "==> gateway: cargo test -p ditto-gateway"
DUMP="$CARGO_TARGET_DIR/gateway-metrics.txt"
rm -f "$DUMP"
LOG="$CARGO_TARGET_DIR/gateway-cargo-test.log"
cargo_rc=0
DITTO_METRICS_DUMP="$DUMP" cargo test -p ditto-gateway >"$LOG" 2>&1 || cargo_rc=$?
grep -E '^(test result|test .* FAILED|---- )' "$LOG" || true
if [ "$cargo_rc" -ne 0 ]; then
    echo "gateway: cargo tests FAILED (exit $cargo_rc; log: target/gateway-cargo-test.log)"
    tail -60 "$LOG"
    status=1
fi

echo "==> gateway: promtool check metrics"
if ! command -v promtool >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null) \
        || echo "gateway: could not install prometheus (promtool)"
fi
if command -v promtool >/dev/null 2>&1 && [ -s "$DUMP" ]; then
    if promtool check metrics < "$DUMP"; then
        echo "promtool: /metrics ok"
    else
        echo "promtool: /metrics FAILED"
        status=1
    fi
else
    echo "promtool: not available or no metrics dump; FAILED"
    status=1
fi

echo "==> gateway: tests/ui-reader (the ai package's readUIMessageStream, for /v1/ui/chat)"
tests/ui-reader/ensure.sh || status=1

echo "==> gateway: pytest with the official openai package and the ai UI reader"
VENV="$CARGO_TARGET_DIR/gateway-venv"
if [ ! -x "$VENV/bin/python" ]; then
    "${PYTHON:-python3}" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check "openai>=1.40,<3" "pytest>=7"
cargo build -q -p ditto-gateway -p ditto-mock-upstream
export DITTO_GATEWAY_BIN="$CARGO_TARGET_DIR/debug/ditto-gateway"
export DITTO_MOCK_BIN="$CARGO_TARGET_DIR/debug/ditto-mock-upstream"
"$VENV/bin/python" -c "import openai; print('openai', openai.__version__)"
(cd gateway/tests/python && "$VENV/bin/python" -m pytest -q -p no:cacheprovider .) || status=1

echo "gateway: done in $(( $(date +%s) - start ))s, exit $status"
exit $status
