#!/usr/bin/env bash
# Benchmark ditto_llm against the official openai package (PyPI) on the same mock upstream.
# Release builds of the extension and the mock; a venv of its own (target/py-bench-venv).
#   bash tests/bench/python/run.sh            # REPEAT=5 streams per client by default
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
export CARGO_TARGET_DIR="$(pwd)/target"
VENV="$CARGO_TARGET_DIR/py-bench-venv"
[ -x "$VENV/bin/python" ] || "${PYTHON:-python3}" -m venv "$VENV"
export VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH"
python -m pip install -q --disable-pip-version-check "maturin>=1.7,<2" openai
cargo build -q --release -p ditto-mock-upstream
(cd bindings/python && maturin develop -q --release)

out="$(mktemp)"
"$CARGO_TARGET_DIR/release/ditto-mock-upstream" --port 0 > "$out" &
mock_pid=$!
trap 'kill $mock_pid 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 1 100); do grep -q "listening on" "$out" && break; sleep 0.05; done
url="$(sed -n 's/^listening on //p' "$out" | head -1)"
[ -n "$url" ] || { echo "mock did not start"; exit 1; }
python tests/bench/python/bench.py "$url/v1" --repeat "${REPEAT:-5}"
