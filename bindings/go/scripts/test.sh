#!/usr/bin/env bash
# The Go binding's suite: builds the static library (ditto-ffi) and the mock upstream, checks
# the committed C header is current, then runs go vet and go test -race (in this module and in
# the dittootel module). Called by `make test`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$(pwd)/target}"
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

command -v go >/dev/null || { echo "go: the Go toolchain (1.24+) is required" >&2; exit 1; }
go version

echo "==> go: ditto-ffi tests, including the C header check (cbindgen regenerates and diffs include/ditto.h)"
ffi_log=$(mktemp)
trap 'rm -f "$ffi_log"' EXIT
if ! cargo test -p ditto-ffi >"$ffi_log" 2>&1; then
    cat "$ffi_log"
    exit 1
fi
grep -E "^test result" "$ffi_log"

echo "==> go: static library (make -C bindings/go)"
make -s --no-print-directory -C bindings/go

echo "==> go: the AI SDK UI stream reader (tests/ui-reader: npm ci when missing; node is required)"
command -v node >/dev/null || { echo "go: node (18+) is required for the UI message stream test" >&2; exit 1; }
bash tests/ui-reader/ensure.sh

echo "==> go: mock upstream binary"
cargo build -q -p ditto-mock-upstream
export DITTO_MOCK_BIN="$CARGO_TARGET_DIR/debug/ditto-mock-upstream"

cd bindings/go
echo "==> go: gofmt + go vet"
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
    echo "gofmt needed on: $unformatted" >&2
    exit 1
fi
go vet ./...
# dittootel (the OpenTelemetry bridge) is a module of its own (Go 1.26, go.opentelemetry.io/otel).
(cd dittootel && go vet ./...)

echo "==> go: go test -race"
log=$(mktemp)
trap 'rm -f "$log" "$ffi_log"' EXIT
status=0
go test -race -count=1 -v ./... >"$log" 2>&1 || status=$?
(cd dittootel && go test -race -count=1 -v ./...) >>"$log" 2>&1 || status=$?
grep -E "^(--- FAIL|FAIL|ok|panic:)|SKIP" "$log" || true
if [ "$status" -ne 0 ]; then
    echo "---- go test output (failures) ----"
    grep -B2 -A25 -E "^\s*--- FAIL|panic:" "$log" | head -300
    exit "$status"
fi
pass=$(grep -cE "^\s*--- PASS" "$log" || true)
skip=$(grep -cE "^\s*--- SKIP" "$log" || true)
echo "go: $pass passed (tests and subtests), $skip skipped, 0 failed"
