#!/usr/bin/env node
// Reads an AI SDK UI message stream (SSE bytes) with the real `ai` package — the same
// parseJsonEventStream + uiMessageChunkSchema + readUIMessageStream path `useChat` uses — and
// prints the assembled UIMessage as JSON on stdout.
//
//   node read.mjs [--ai 5|6] [--message FILE] < body.sse
//   node read.mjs [--ai 5|6] --url http://127.0.0.1:8080/v1/ui/chat --body request.json \
//                 [--header 'authorization: Bearer sk-...']...
//
// `--ai 5` (default) reads with ai 5.0.277 (package `ai`), `--ai 6` with ai 6.0.326 (package
// `ai6`, an npm alias). `--message FILE` continues an existing assistant UIMessage (JSON), as
// useChat does after a tool approval: the stream's chunks are applied on top of it.
//
// Exit codes: 0 ok; 1 the stream is invalid (HTTP status or header wrong, a chunk fails the
// `ai` schema or carries a field outside that major version's chunk schema, the reader
// failed); 2 usage; 3 the stream was valid but contained `error` chunks (the message is still
// printed).
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import * as ai5 from "ai";
import * as ai6 from "ai6";

// Every field of every chunk type in the ai 5.x schema; anything else is reported, because
// 5.x clients older than 5.0.277 parse chunks with strict objects.
const FIELDS5 = {
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

// The ai 6.x chunk schema (6.0.326): loose objects, so the same extra-field check applies.
const TOOL6 = ["providerExecuted", "providerMetadata", "toolMetadata", "dynamic"];
const FIELDS6 = {
  ...FIELDS5,
  "tool-input-start": ["toolCallId", "toolName", "inputEncoding", "title", ...TOOL6],
  "tool-input-available": ["toolCallId", "toolName", "input", "title", ...TOOL6],
  "tool-input-error": ["toolCallId", "toolName", "input", "errorText", "title", ...TOOL6],
  "tool-approval-request": ["approvalId", "toolCallId", "approvalDescriptor", "inputSchemaInput", "signature"],
  "tool-output-available": ["toolCallId", "output", "preliminary", ...TOOL6],
  "tool-output-error": ["toolCallId", "errorText", ...TOOL6],
  "tool-output-denied": ["toolCallId"],
  "finish": ["finishReason", "messageMetadata"],
  "abort": ["reason"],
};

const VERSIONS = { 5: { sdk: ai5, fields: FIELDS5 }, 6: { sdk: ai6, fields: FIELDS6 } };

function usage(msg) {
  process.stderr.write(`${msg}\nusage: node read.mjs [--ai 5|6] [--message FILE] [--url URL --body FILE [--header 'k: v']...] (else stdin)\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const out = { headers: {}, ai: "5" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === "--url") out.url = next();
    else if (a === "--ai") out.ai = next();
    else if (a === "--message") out.message = next();
    else if (a === "--body") out.body = next();
    else if (a === "--header") {
      const h = next();
      const colon = h.indexOf(":");
      if (colon < 1) usage(`bad header ${h}`);
      out.headers[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim();
    } else usage(`unknown argument ${a}`);
  }
  if (out.body && !out.url) usage("--body needs --url");
  if (!VERSIONS[out.ai]) usage(`--ai must be 5 or 6, not ${out.ai}`);
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
const { sdk, fields: FIELDS } = VERSIONS[args.ai];
const { parseJsonEventStream, readUIMessageStream, uiMessageChunkSchema } = sdk;
let initial;
try {
  initial = args.message ? JSON.parse(readFileSync(args.message, "utf8")) : undefined;
} catch (e) {
  usage(`--message ${args.message}: ${e.message}`);
}
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
      if (extra.length) fail(`chunk ${chunk.type} has fields outside the ai ${args.ai}.x schema: ${extra.join(", ")}`);
      chunkCount++;
      controller.enqueue(chunk);
    },
  }),
);

let message;
try {
  for await (const m of readUIMessageStream({ message: initial, stream: chunks, onError: (e) => errors.push(String(e?.message ?? e)) })) {
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
