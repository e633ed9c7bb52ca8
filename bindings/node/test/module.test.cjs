// The package loads from CommonJS and ESM (one set of classes), and every name the type
// declarations export exists at run time.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const pkgDir = path.resolve(__dirname, '..')

test('require() and import() give the same classes', async () => {
  const cjs = require('@ditto/llm')
  const esm = await import('@ditto/llm')
  assert.equal(cjs.Ditto, esm.Ditto)
  assert.equal(cjs.DittoError, esm.DittoError)
  assert.equal(esm.default.RateLimitError, cjs.RateLimitError)
  assert.equal(cjs.version, require(path.join(pkgDir, 'package.json')).version)
})

test('index.d.ts and the runtime export the same names', () => {
  const dts = fs.readFileSync(path.join(pkgDir, 'index.d.ts'), 'utf8')
  const declared = new Set([...dts.matchAll(/^export declare (?:class|const|function) (\w+)/gm)].map((m) => m[1]))
  const runtime = new Set(Object.keys(require('@ditto/llm')))
  assert.deepEqual([...declared].sort(), [...runtime].sort())
})

test('every error class extends DittoError and names itself', () => {
  const m = require('@ditto/llm')
  const classes = Object.entries(m).filter(([name]) => name.endsWith('Error'))
  assert.ok(classes.length >= 14)
  for (const [name, Cls] of classes) {
    const e = new Cls('m', { kind: 'internal' })
    assert.ok(e instanceof m.DittoError && e instanceof Error, name)
    assert.equal(e.name, name)
  }
})
