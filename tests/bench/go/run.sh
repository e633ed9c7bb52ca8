#!/usr/bin/env bash
# Builds release binaries (the static library and the mock upstream), then runs the Go
# streaming benchmark once: ditto's Go binding vs the official openai-go client.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$(pwd)/target}"
make -s --no-print-directory -C bindings/go PROFILE=release
cargo build -q --release -p ditto-mock-upstream
cd tests/bench/go
go run . -mock "$CARGO_TARGET_DIR/release/ditto-mock-upstream" "$@"
