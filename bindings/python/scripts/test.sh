#!/usr/bin/env bash
# The Python binding's suite: venv + tools, the extension built into it (dev profile, shared
# target dir), the mock upstream binary, pytest (conformance, API, errors, cancellation,
# concurrency), the interface check (mypy.stubtest) and mypy --strict over the package and tests.
# Called by `make test`; runs on a fresh machine with only the toolchains installed.
# CARGO_TARGET_DIR (default: <repo>/target) and DITTO_PY_VENV (default: $CARGO_TARGET_DIR/py-venv)
# may be set, e.g. to give each git worktree its own venv over one shared target dir.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
ROOT="$(pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
VENV="${DITTO_PY_VENV:-$CARGO_TARGET_DIR/py-venv}"
PYTHON="${PYTHON:-python3}"

start=$(date +%s)
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
export VIRTUAL_ENV="$VENV"
export PATH="$VENV/bin:$PATH"
python -m pip install -q --disable-pip-version-check --upgrade \
    "maturin>=1.7,<2" "pytest>=7" "pytest-asyncio>=0.23" "mypy>=1.10" "pydantic>=2" \
    "jsonschema>=4" "types-jsonschema" "starlette>=0.37" "fastapi>=0.110" "uvicorn>=0.29" \
    "opentelemetry-api>=1.20" "opentelemetry-sdk>=1.20"
echo "python: tools ready ($(python --version), $(( $(date +%s) - start ))s)"

cargo build -q -p ditto-mock-upstream
# The UI stream test reads our web helper's output with the real `ai` package.
bash tests/ui-reader/ensure.sh
(cd bindings/python && maturin develop -q)
python -c "import ditto_llm, sys; print('python: ditto_llm', ditto_llm.__version__, 'built into', sys.prefix)"

cd bindings/python
status=0
python -m pytest -q -p no:cacheprovider tests || status=$?
echo "==> interface check (mypy.stubtest)"
python -m mypy.stubtest ditto_llm --allowlist stubtest-allowlist.txt || status=$?
echo "==> mypy --strict (package, tests, documented usage)"
python -m mypy --strict --cache-dir "$CARGO_TARGET_DIR/mypy-cache" python/ditto_llm tests || status=$?
echo "python: done in $(( $(date +%s) - start ))s, exit $status"
exit $status
