'use strict'
// Schemas given as JSON Schema objects or as zod (v4) schemas. Zod is not a dependency of this
// package: a zod schema converts itself (`schema.toJSONSchema()`, zod >= 4.2), or through the
// `toJSONSchema` of the `zod` module installed next to the application.

const { createRequire } = require('node:module')
const path = require('node:path')
const { BadRequestError } = require('./errors')

const AI_SDK_SCHEMA = Symbol.for('vercel.ai.schema')

/** True for a zod (v4) schema. */
function isZod(schema) {
  return schema != null && typeof schema === 'object' && typeof schema.safeParse === 'function' && (schema._zod != null || schema._def != null)
}

/** The installed zod module's `toJSONSchema`, looked up from the app, then from this package. */
function zodToJSONSchema() {
  const bases = [path.join(process.cwd(), 'package.json'), __filename]
  for (const base of bases) {
    try {
      const zod = createRequire(base)('zod')
      const fn = zod.toJSONSchema ?? zod.z?.toJSONSchema
      if (typeof fn === 'function') return fn
    } catch {
      // not installed there
    }
  }
  return null
}

/**
 * `{jsonSchema, zod}` for a schema option: `jsonSchema` is a plain JSON Schema object, `zod`
 * the zod schema when one was given (for validating the result). `what` names the option.
 */
function toJSONSchema(schema, what) {
  if (schema == null) return { jsonSchema: undefined, zod: undefined }
  if (isZod(schema)) {
    if (schema._zod == null) {
      throw new BadRequestError(`${what}: zod 3 schemas are not supported; use zod 4 (or \`zod/v4\`) or a JSON Schema object`, { kind: 'invalid_request' })
    }
    let out
    try {
      // The model writes what zod *parses* (its input side, before transforms).
      const params = { io: 'input', unrepresentable: 'any' }
      if (typeof schema.toJSONSchema === 'function') out = schema.toJSONSchema(params)
      else {
        const fn = zodToJSONSchema()
        if (!fn) throw new Error('the `zod` package (v4) was not found')
        out = fn(schema, params)
      }
    } catch (err) {
      throw new BadRequestError(`${what}: cannot convert the zod schema to JSON Schema: ${err.message}`, { kind: 'invalid_request' }, { cause: err })
    }
    const { $schema, ...jsonSchema } = out
    return { jsonSchema, zod: schema }
  }
  if (typeof schema === 'object' && schema[AI_SDK_SCHEMA] && schema.jsonSchema && typeof schema.jsonSchema === 'object') {
    return { jsonSchema: schema.jsonSchema, zod: undefined }
  }
  if (typeof schema !== 'object' || Array.isArray(schema)) {
    throw new BadRequestError(`${what} must be a JSON Schema object or a zod schema`, { kind: 'invalid_request' })
  }
  return { jsonSchema: schema, zod: undefined }
}

module.exports = { toJSONSchema, isZod }
