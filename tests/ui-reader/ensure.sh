#!/usr/bin/env bash
# Installs tests/ui-reader's pinned packages (the `ai` package and its peers, from
# package-lock.json) when they are missing or stale. Needs Node >= 18 and npm.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
command -v node >/dev/null || { echo "ui-reader: node is not installed" >&2; exit 1; }
want=$(node -p "require('./package-lock.json').packages['node_modules/ai'].version")
have=$(node -p "try { require('./node_modules/ai/package.json').version } catch { '' }")
if [ "$have" != "$want" ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
