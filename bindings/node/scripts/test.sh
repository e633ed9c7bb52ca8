#!/usr/bin/env bash
# The Node binding's suite: install, build the addon, check the committed generated files,
# run the Rust unit tests, node --test against the real mock upstream, the TypeScript type
# test, and an `npm pack` install into an empty project. Called by `make test`.
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROOT="$(pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
PKG="$ROOT/bindings/node"
summary=()
step() { echo "==> node: $*"; }

command -v node >/dev/null || { echo "node is required (>= 18)"; exit 1; }
step "node $(node --version), npm $(npm --version)"

step "npm ci"
(cd "$PKG" && npm ci --no-audit --no-fund --loglevel=error)

step "build the addon (debug) and check the committed native.js / native.d.ts are current"
committed="$(mktemp -d)"
trap 'rm -rf "$committed"' EXIT
cp "$PKG/native.js" "$PKG/native.d.ts" "$committed/"
(cd "$PKG" && npx napi build --platform --js native.js --dts native.d.ts)
for f in native.js native.d.ts; do
  if ! cmp -s "$committed/$f" "$PKG/$f"; then
    diff -u "$committed/$f" "$PKG/$f" || true
    echo "bindings/node/$f is stale: rebuild with 'npm run build:debug' in bindings/node and commit it"
    exit 1
  fi
done
summary+=("generated files: current")

step "build ditto-mock-upstream"
cargo build -q -p ditto-mock-upstream

step "cargo test -p ditto-llm-node"
cargo test -q -p ditto-llm-node 2>&1 | tee "$committed/cargo.log" | grep -E "^test result" || true
grep -q "^test result: ok" "$committed/cargo.log" || { cat "$committed/cargo.log"; exit 1; }
summary+=("rust: $(grep -m1 '^test result' "$committed/cargo.log")")

step "tests/ui-reader (the shared reader of UI message streams; npm ci when missing)"
bash "$ROOT/tests/ui-reader/ensure.sh"

step "node --test"
(cd "$PKG" && node --expose-gc --test test/*.test.mjs test/*.test.cjs) | tee "$committed/node.log" | grep -E "^(not ok|# (tests|pass|fail|skipped))" || true
grep -q "^# fail 0" "$committed/node.log" || { grep -B2 -A30 "^not ok" "$committed/node.log" | head -200; exit 1; }
summary+=("node --test: $(grep -E '^# (pass|fail|skipped)' "$committed/node.log" | tr '\n' ' ')")

step "tsc --noEmit on the usage files"
(cd "$PKG" && npx tsc -p test/types)
summary+=("tsc: ok")

step "npm pack, install into an empty project, run"
bash "$PKG/scripts/pack-test.sh"
summary+=("npm pack install: ok")

echo "==> node: summary"
printf '  %s\n' "${summary[@]}"
