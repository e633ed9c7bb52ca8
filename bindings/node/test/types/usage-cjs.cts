// Type test for CommonJS consumers.
import ditto = require('@ditto/llm')

const client = new ditto.Ditto({ fromEnv: false })
export const pending: Promise<string> = client.generateText({ model: 'mock:echo', prompt: 'hi' }).then((r) => r.text)
export const isError: boolean = new Error('x') instanceof ditto.DittoError
