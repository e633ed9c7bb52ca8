#!/usr/bin/env node
// Reads an AI SDK UI message stream (SSE bytes) with the real `ai` package — the same
// parseJsonEventStream + uiMessageChunkSchema + readUIMessageStream path `useChat` uses — and
// prints the assembled UIMessage as JSON on stdout.
//
//   node read.mjs < body.sse
//   node read.mjs --url http://127.0.0.1:8080/v1/ui/chat --body request.json \
//                 [--header 'authorization: Bearer sk-...']...
//
// Exit codes: 0 ok; 1 the stream is invalid (HTTP status or header wrong, a chunk fails the
// `ai` schema or carries a field outside the ai 5.x chunk schema, the reader failed); 2 usage;
// 3 the stream was valid but contained `error` chunks (the message is still printed).
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { parseJsonEventStream, readUIMessageStream, uiMessageChunkSchema } from "ai";

// Every field of every chunk type in the ai 5.x schema; anything else is reported, because
// 5.x clients older than 5.0.277 parse chunks with strict objects.
const FIELDS = {
  "text-start": ["id", "providerMetadata"],
  "text-delta": ["id", "delta", "providerMetadata"],
  "text-end": ["id", "providerMetadata"],
  "error": ["errorText"],
  "tool-input-start": ["toolCallId", "toolName", "providerExecuted", "dynamic"],
  "tool-input-delta": ["toolCallId", "inputTextDelta"],
  "tool-input-available": ["toolCallId", "toolName", "input", "providerExecuted", "providerMetadata", "dynamic"],
  "tool-input-error": ["toolCallId", "toolName", "input", "providerExecuted", "providerMetadata", "dynamic", "errorText"],
  "tool-output-available": ["toolCallId", "output", "providerExecuted", "dynamic", "preliminary"],
  "tool-output-error": ["toolCallId", "errorText", "providerExecuted", "dynamic"],
  "reasoning-start": ["id", "providerMetadata"],
  "reasoning-delta": ["id", "delta", "providerMetadata"],
  "reasoning-end": ["id", "providerMetadata"],
  "source-url": ["sourceId", "url", "title", "providerMetadata"],
  "source-document": ["sourceId", "mediaType", "title", "filename", "providerMetadata"],
  "file": ["url", "mediaType", "providerMetadata"],
  "start-step": [],
  "finish-step": [],
  "start": ["messageId", "messageMetadata"],
  "finish": ["messageMetadata"],
  "abort": [],
  "message-metadata": ["messageMetadata"],
};

function usage(msg) {
  process.stderr.write(`${msg}\nusage: node read.mjs [--url URL --body FILE [--header 'k: v']...] (else stdin)\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const out = { headers: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === "--url") out.url = next();
    else if (a === "--body") out.body = next();
    else if (a === "--header") {
      const h = next();
      const colon = h.indexOf(":");
      if (colon < 1) usage(`bad header ${h}`);
      out.headers[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim();
    } else usage(`unknown argument ${a}`);
  }
  if (out.body && !out.url) usage("--body needs --url");
  return out;
}

function fail(msg) {
  process.stderr.write(`ui-reader: ${msg}\n`);
  process.exit(1);
}

async function byteStream(args) {
  if (!args.url) return Readable.toWeb(process.stdin);
  const res = await fetch(args.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...args.headers },
    body: args.body ? readFileSync(args.body) : "{}",
  });
  if (res.status !== 200) fail(`HTTP ${res.status}: ${await res.text()}`);
  if (res.headers.get("x-vercel-ai-ui-message-stream") !== "v1")
    fail(`missing header x-vercel-ai-ui-message-stream: v1`);
  if (!(res.headers.get("content-type") ?? "").startsWith("text/event-stream"))
    fail(`content-type is ${res.headers.get("content-type")}`);
  return res.body;
}

const args = parseArgs(process.argv.slice(2));
const errors = [];
let chunkCount = 0;
const chunks = parseJsonEventStream({
  stream: await byteStream(args),
  schema: uiMessageChunkSchema,
}).pipeThrough(
  new TransformStream({
    transform(result, controller) {
      if (!result.success) fail(`invalid chunk: ${String(result.error?.message ?? result.error).slice(0, 600)}`);
      const chunk = result.value;
      const allowed = chunk.type.startsWith("data-") ? ["id", "data", "transient"] : FIELDS[chunk.type];
      if (!allowed) fail(`unknown chunk type ${chunk.type}`);
      const extra = Object.keys(chunk).filter((k) => k !== "type" && !allowed.includes(k));
      if (extra.length) fail(`chunk ${chunk.type} has fields outside the ai 5.x schema: ${extra.join(", ")}`);
      chunkCount++;
      controller.enqueue(chunk);
    },
  }),
);

let message;
try {
  for await (const m of readUIMessageStream({ stream: chunks, onError: (e) => errors.push(String(e?.message ?? e)) })) {
    message = m;
  }
} catch (e) {
  fail(`readUIMessageStream failed: ${e?.stack ?? e}`);
}
if (chunkCount === 0 || message === undefined) fail("the stream had no chunks");
process.stdout.write(JSON.stringify(message, null, 2) + "\n");
if (errors.length) {
  process.stderr.write(`ui-reader: error chunks: ${JSON.stringify(errors)}\n`);
  process.exit(3);
}
