#!/usr/bin/env bash
# Installs tests/ui-reader's pinned packages (the `ai` package 5.x, `ai6` = ai 6.x, and their
# peers, from package-lock.json) when they are missing or stale. Needs Node >= 18 and npm.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
command -v node >/dev/null || { echo "ui-reader: node is not installed" >&2; exit 1; }
want=$(node -p "const l = require('./package-lock.json').packages;
  ['ai', 'ai6'].map((p) => l['node_modules/' + p].version).join(' ')")
have=$(node -p "['ai', 'ai6'].map((p) => {
  try { return require('./node_modules/' + p + '/package.json').version } catch { return '' }
}).join(' ')")
if [ "$have" != "$want" ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
