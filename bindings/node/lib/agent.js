'use strict'
// Tools with `execute`, stop conditions and approvals: splits a generateText / streamText
// options object into what crosses into Rust as JSON (tool definitions, the agent options)
// and the host functions the Rust loop calls back (HostCalls).

const { BadRequestError } = require('./errors')
const { HostCalls } = require('./host')
const { toJSONSchema } = require('./schema')

const STOP = Symbol.for('ditto.stopCondition')

/** Stop once `count` steps ran (the AI SDK's `stepCountIs`). Also callable as `({steps})`. */
function stepCountIs(count) {
  if (!Number.isInteger(count) || count < 1) throw new BadRequestError('stepCountIs(n) needs an integer n >= 1', { kind: 'invalid_request' })
  const cond = ({ steps }) => steps.length >= count
  cond[STOP] = { type: 'step-count', count }
  return cond
}

/** Stop after a step that called `toolName` (the AI SDK's `hasToolCall`). */
function hasToolCall(toolName) {
  if (typeof toolName !== 'string' || toolName === '') throw new BadRequestError('hasToolCall(name) needs a tool name', { kind: 'invalid_request' })
  const cond = ({ steps }) => (steps.at(-1)?.toolCalls ?? []).some((c) => c.toolName === toolName)
  cond[STOP] = { type: 'has-tool-call', tool_name: toolName }
  return cond
}

const AGENT_KEYS = ['stopWhen', 'maxSteps', 'maxParallelTools', 'maxToolOutputBytes', 'approvals', 'repairToolCall', 'experimental_repairToolCall']

const bad = (msg) => new BadRequestError(msg, { kind: 'invalid_request' })

/** One tool → `{def (JSON), execute?, needsApproval}`. */
function prepareTool(tool, where) {
  if (tool === null || typeof tool !== 'object') throw bad(`${where} must be an object such as {description, inputSchema, execute}`)
  // Everything but the JS-only fields crosses as JSON (provider-defined tools keep `id`, `args`).
  const { execute: _execute, needsApproval: _needsApproval, ...def } = tool
  for (const key of ['inputSchema', 'parameters']) {
    if (tool[key] !== undefined) def[key] = toJSONSchema(tool[key], `${where}.${key}`).jsonSchema
  }
  if (tool.execute !== undefined && typeof tool.execute !== 'function') throw bad(`${where}.execute must be a function`)
  if (tool.needsApproval !== undefined && typeof tool.needsApproval !== 'boolean') throw bad(`${where}.needsApproval must be a boolean`)
  return { def, execute: tool.execute, needsApproval: tool.needsApproval === true }
}

/**
 * Split `options`: `{rest, agent, host}`. `agent` (the agent options JSON) and `host` are null
 * when no loop is needed (no tool has `execute` and no agent option was given); then `rest`
 * is a plain text request.
 */
function prepareAgent(options, what) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return { rest: options, agent: null, host: null }
  const rest = { ...options }
  const given = {}
  for (const k of AGENT_KEYS) {
    if (rest[k] !== undefined) given[k] = rest[k]
    delete rest[k]
  }
  const tools = {}
  const execute = []
  const needsApproval = []
  if (rest.tools != null && typeof rest.tools === 'object') {
    const entries = Array.isArray(rest.tools) ? rest.tools.map((t, i) => [t?.name ?? t?.function?.name, t, `${what} tools[${i}]`]) : Object.entries(rest.tools).map(([n, t]) => [n, t, `${what} tools.${n}`])
    const defs = Array.isArray(rest.tools) ? [] : {}
    for (const [name, tool, where] of entries) {
      const p = prepareTool(tool, where)
      if (Array.isArray(defs)) defs.push(p.def)
      else defs[name] = p.def
      if (p.execute) {
        if (typeof name !== 'string') throw bad(`${where} needs a name`)
        tools[name] = p.execute
        execute.push(name)
      }
      if (p.needsApproval) needsApproval.push(name)
    }
    rest.tools = defs
  }
  const loop = execute.length > 0 || Object.keys(given).length > 0
  if (!loop) return { rest, agent: null, host: null }
  const stops = []
  const agent = { execute, needs_approval: needsApproval }
  if (given.stopWhen !== undefined) {
    const list = Array.isArray(given.stopWhen) ? given.stopWhen : [given.stopWhen]
    agent.stop_when = list.map((c, i) => {
      if (typeof c !== 'function') throw bad(`${what} stopWhen[${i}] must be a stop condition (stepCountIs, hasToolCall or a function)`)
      if (c[STOP]) return c[STOP]
      stops.push(c)
      return { type: 'custom', id: stops.length - 1 }
    })
  }
  for (const [k, wire] of [['maxSteps', 'max_steps'], ['maxParallelTools', 'max_parallel_tools'], ['maxToolOutputBytes', 'max_tool_output_bytes']]) {
    if (given[k] === undefined) continue
    if (!Number.isInteger(given[k]) || given[k] < 1) throw bad(`${what} option \`${k}\` must be an integer >= 1`)
    agent[wire] = given[k]
  }
  if (given.approvals !== undefined) {
    if (!Array.isArray(given.approvals)) throw bad(`${what} option \`approvals\` must be a list of {approvalId, approved, reason}`)
    agent.approvals = given.approvals.map((a, i) => {
      const id = a?.approvalId ?? a?.approval_id
      if (typeof id !== 'string' || typeof a.approved !== 'boolean') throw bad(`${what} approvals[${i}] must be {approvalId: string, approved: boolean, reason?}`)
      return a.reason == null ? { approval_id: id, approved: a.approved } : { approval_id: id, approved: a.approved, reason: String(a.reason) }
    })
  }
  const repairToolCall = given.repairToolCall ?? given.experimental_repairToolCall
  if (repairToolCall !== undefined) {
    if (typeof repairToolCall !== 'function') throw bad(`${what} option \`repairToolCall\` must be a function`)
    agent.repair = true
  }
  return { rest, agent: JSON.stringify(agent), host: new HostCalls({ tools, stops, repairToolCall }) }
}

/** Identity helper (typed in index.d.ts: infers a tool's input from its zod schema). */
function tool(t) {
  return t
}

/** The agent result plus the AI SDK's last-step fields (`content`, `toolCalls`, `usage`, ...). */
function agentResult(r) {
  const last = r.steps.at(-1) ?? {}
  const reasoning = (last.content ?? []).filter((p) => p.type === 'reasoning').map((p) => p.text)
  return {
    ...r,
    content: last.content ?? [],
    reasoningText: reasoning.length ? reasoning.join('') : null,
    toolCalls: last.toolCalls ?? [],
    toolResults: last.toolResults ?? [],
    rawFinishReason: last.rawFinishReason ?? null,
    usage: last.usage ?? r.totalUsage,
    warnings: last.warnings ?? [],
    response: last.response ?? {},
  }
}

module.exports = { stepCountIs, hasToolCall, tool, prepareAgent, agentResult }
