#!/usr/bin/env bash
# `npm pack` the package (with the addon already built), install the tarball into an empty
# project with no build step and no network, and use it from ESM and CommonJS.
set -euo pipefail
PKG="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
ls "$PKG"/ditto-llm.*.node >/dev/null 2>&1 || { echo "build the addon first (npm run build)"; exit 1; }
tarball="$(cd "$PKG" && npm pack --silent --pack-destination "$work" | tail -1)"
echo "packed $tarball ($(du -h "$work/$tarball" | cut -f1))"
cd "$work"
npm init -y >/dev/null
npm install --offline --no-audit --no-fund --ignore-scripts --loglevel=error "./$tarball"
cat > esm.mjs <<'JS'
import { Ditto, DittoError } from '@ditto/llm'
const ditto = new Ditto({ fromEnv: false })
const r = await ditto.generateText({ model: 'mock:echo', prompt: 'from the tarball' })
let text = ''
for await (const ev of ditto.streamText({ model: 'mock:echo', prompt: 'streamed' })) if (ev.type === 'text-delta') text += ev.text
const err = await ditto.generateText({ model: 'nowhere:x', prompt: 'x' }).catch((e) => e)
if (r.text !== 'echo: from the tarball' || text !== 'echo: streamed' || !(err instanceof DittoError)) process.exit(1)
console.log('esm ok:', r.text, '|', text, '|', err.name)
// The newer modules load from the tarball too (lib/agent, object, protocol, fanout, host, schema, otel).
const { encodeDittoV1, decodeDittoV1, stepCountIs, StreamObjectResult, openTelemetrySpanSink } = await import('@ditto/llm')
const events = []
for await (const ev of decodeDittoV1(encodeDittoV1(ditto.streamText({ model: 'mock:echo', prompt: 'v1' }), { framing: 'ndjson' }), { framing: 'ndjson' })) events.push(ev.type)
if (events.at(-1) !== 'finish' || typeof stepCountIs(2) !== 'function' || typeof StreamObjectResult !== 'function' || typeof openTelemetrySpanSink !== 'function') process.exit(1)
console.log('esm ok: ditto v1 round trip', events.length, 'events')
JS
cat > cjs.cjs <<'JS'
const { Ditto } = require('@ditto/llm')
new Ditto({ fromEnv: false }).generateText({ model: 'mock:echo', prompt: 'cjs' }).then((r) => {
  if (r.text !== 'echo: cjs') process.exit(1)
  console.log('cjs ok:', r.text)
})
JS
node esm.mjs
node cjs.cjs
