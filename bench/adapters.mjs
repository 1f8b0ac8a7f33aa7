// What each provider adapter costs on top of the transport (DESIGN §8): per request (build the
// provider's request, read its JSON answer) and per streamed chunk (decode the provider's stream
// into OpenAI chunks), against the OpenAI-compatible path — the same answer in every wire format
// (a 50-character completion; a stream of a role piece, 18 content pieces and a finish). In process,
// no network: the translation alone. Also the in-process Router cost per call for each kind of call
// (chat, text completion, embeddings), to show the generic pipeline prices them alike.
//
//   npm run build && taskset -c 0 node bench/adapters.mjs [--quick]
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { of } from 'rxjs';
import { anthropicWireFormat } from '../dist/providers/anthropic/anthropic-wire-format.js';
import { azureWireFormat } from '../dist/providers/azure/azure-wire-format.js';
import { bedrockWireFormat } from '../dist/providers/bedrock/bedrock-wire-format.js';
import { geminiWireFormat } from '../dist/providers/gemini/gemini-wire-format.js';
import { openAIWireFormat } from '../dist/providers/openai-wire-format.js';
import { Router } from '../dist/index.js';
import { completion, chunks } from './lib/fixtures.mjs';

const quick = process.argv.includes('--quick');
const rounds = quick ? 3 : 9;
const perRound = quick ? 2_000 : 20_000;
const text = completion.choices[0].message.content;
const pieces = chunks.slice(1, -1).map((chunk) => chunk.choices[0].delta.content);

function deployment(provider, fields = {}) {
  const base = { id: `${provider}-1`, group: 'g', provider, model: 'bench-model', apiBase: 'http://127.0.0.1:9', apiVersion: '2024-10-21', awsRegionName: 'us-east-1', timeoutMs: undefined, streamTimeoutMs: undefined, streamIdleTimeoutMs: undefined, numRetries: undefined, cooldownTimeMs: undefined, rpm: undefined, tpm: undefined, weight: undefined, order: undefined, maxParallelRequests: undefined, inputCostPerToken: undefined, outputCostPerToken: undefined, mockResponse: undefined, mockTimeout: false, dropParams: false, requestDefaults: undefined, extraHeaders: undefined, ...fields };
  Object.defineProperty(base, 'apiKey', { value: 'apiKey' in fields ? fields.apiKey : 'bench-key', enumerable: false });
  Object.defineProperty(base, 'azureAdToken', { value: undefined, enumerable: false });
  Object.defineProperty(base, 'awsCredentials', { value: fields.awsCredentials, enumerable: false });
  return base;
}

const body = { model: 'bench-model', messages: [{ role: 'user', content: 'Say hello in a short sentence.' }], max_tokens: 64 };
const sse = (events) => Buffer.from(events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join(''));
const named = (events) => Buffer.from(events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join(''));
const codec = new EventStreamCodec(toUtf8, fromUtf8);
const frame = (type, payload) =>
  codec.encode({
    headers: { ':event-type': { type: 'string', value: type }, ':content-type': { type: 'string', value: 'application/json' }, ':message-type': { type: 'string', value: 'event' } },
    body: fromUtf8(JSON.stringify(payload)),
  });
const usage = { input: 9, output: 12 };

// The same answer in each provider's wire format.
const formats = [
  {
    name: 'openai/',
    format: openAIWireFormat,
    deployment: deployment('openai'),
    json: Buffer.from(JSON.stringify(completion)),
    stream: Buffer.concat([sse(chunks), Buffer.from('data: [DONE]\n\n')]),
  },
  {
    name: 'azure/',
    format: azureWireFormat,
    deployment: deployment('azure'),
    json: Buffer.from(JSON.stringify({ ...completion, prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }] })),
    stream: Buffer.concat([sse([{ id: '', object: '', created: 0, model: '', choices: [], prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }] }, ...chunks]), Buffer.from('data: [DONE]\n\n')]),
  },
  {
    name: 'gemini/',
    format: geminiWireFormat,
    deployment: deployment('gemini'),
    json: Buffer.from(JSON.stringify({ candidates: [{ content: { parts: [{ text }], role: 'model' }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: usage.input, candidatesTokenCount: usage.output, totalTokenCount: usage.input + usage.output }, modelVersion: 'bench-model' })),
    stream: sse([
      ...pieces.map((piece) => ({ candidates: [{ content: { parts: [{ text: piece }], role: 'model' }, index: 0 }], modelVersion: 'bench-model' })),
      { candidates: [{ content: { parts: [{ text: '' }], role: 'model' }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: usage.input, candidatesTokenCount: usage.output, totalTokenCount: usage.input + usage.output }, modelVersion: 'bench-model' },
    ]),
  },
  {
    name: 'anthropic/',
    format: anthropicWireFormat,
    deployment: deployment('anthropic'),
    json: Buffer.from(JSON.stringify({ id: 'msg_bench', type: 'message', role: 'assistant', model: 'bench-model', content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: usage.input, output_tokens: usage.output } })),
    stream: named([
      { type: 'message_start', message: { id: 'msg_bench', type: 'message', role: 'assistant', content: [], model: 'bench-model', stop_reason: null, stop_sequence: null, usage: { input_tokens: usage.input, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'ping' },
      ...pieces.map((piece) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } })),
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: usage.output } },
      { type: 'message_stop' },
    ]),
  },
  {
    name: 'bedrock/ (bearer)',
    format: bedrockWireFormat,
    deployment: deployment('bedrock', { apiKey: 'bench-bearer' }),
    json: Buffer.from(JSON.stringify({ output: { message: { role: 'assistant', content: [{ text }] } }, stopReason: 'end_turn', usage: { inputTokens: usage.input, outputTokens: usage.output, totalTokens: usage.input + usage.output }, metrics: { latencyMs: 100 } })),
    stream: Buffer.concat([
      frame('messageStart', { role: 'assistant' }),
      ...pieces.map((piece) => frame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: piece } })),
      frame('contentBlockStop', { contentBlockIndex: 0 }),
      frame('messageStop', { stopReason: 'end_turn' }),
      frame('metadata', { usage: { inputTokens: usage.input, outputTokens: usage.output, totalTokens: usage.input + usage.output }, metrics: { latencyMs: 100 } }),
    ].map((bytes) => Buffer.from(bytes))),
  },
  {
    name: 'bedrock/ (SigV4)',
    format: bedrockWireFormat,
    deployment: deployment('bedrock', { apiKey: undefined, awsCredentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' } }),
    json: undefined,
    stream: undefined,
  },
];
formats[5].json = formats[4].json;
formats[5].stream = formats[4].stream;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timeRounds(work) {
  const results = [];
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    for (let index = 0; index < perRound; index++) {
      const pending = work();
      if (pending !== undefined) await pending;
    }
    results.push(Number(process.hrtime.bigint() - started) / 1e3 / perRound);
  }
  return median(results);
}

/** A sink that counts what the reader delivers, and checks the stream was whole. */
function countingSink() {
  const sink = { closed: false, delivered: 0, next() { sink.delivered += 1; }, complete() { sink.closed = true; }, error(error) { throw error; } };
  return sink;
}

console.log('## Adapters: CPU per request and per chunk (in process, the translation alone)');
console.log('');
console.log('| wire format | build request + read JSON answer, µs | read a 20-piece stream, µs per chunk | chunks out |');
console.log('|---|---|---|---|');
const measured = [];
for (const pass of ['warm-up', 'measured']) for (const entry of formats) {
  const request = { deployment: entry.deployment, body, stream: false };
  const streaming = { deployment: entry.deployment, body: { ...body, stream: true }, stream: true };
  const build = entry.format.dispatchOptions(request);
  const async = build instanceof Promise;
  const perRequest = await timeRounds(() => {
    const options = entry.format.dispatchOptions(request);
    if (options instanceof Promise) return options.then(() => entry.format.readCompletion(entry.json, request, 1_700_000_000_000));
    entry.format.readCompletion(entry.json, request, 1_700_000_000_000);
    return undefined;
  });
  let out = 0;
  const perStream = await timeRounds(() => {
    const sink = countingSink();
    const reader = entry.format.streamReader(sink, streaming, 1_700_000_000_000);
    reader.push(entry.stream);
    reader.end();
    if (!sink.closed) throw new Error(`${entry.name}: the stream did not complete`);
    out = sink.delivered;
    return undefined;
  });
  if (pass === 'measured') measured.push(`| ${entry.name} | ${perRequest.toFixed(2)}${async ? ' (signs: async)' : ''} | ${(perStream / out).toFixed(3)} | ${out} |`);
}
for (const row of measured) console.log(row);

console.log('');
console.log('## The Router per kind of call (in process, a provider that answers at once)');
console.log('');
const textAnswer = { id: 'cmpl-bench', object: 'text_completion', created: 1_700_000_000, model: 'bench-model', choices: [{ index: 0, text, finish_reason: 'stop' }], usage: completion.usage };
const embeddingAnswer = { object: 'list', data: [{ object: 'embedding', index: 0, embedding: Array.from({ length: 256 }, (_, i) => i / 256) }], model: 'bench-model', usage: { prompt_tokens: 9, total_tokens: 9 } };
const provider = { call: (request) => of(request.kind === 'text_completion' ? textAnswer : request.kind === 'embedding' ? embeddingAnswer : completion) };
const router = new Router({ model_list: [{ model_name: 'g', litellm_params: { model: 'openai/bench-model', api_key: 'k', api_base: 'http://127.0.0.1:9/v1' } }] }, { provider, env: {} });
const noop = () => {};
console.log('| kind | µs per call |');
console.log('|---|---|');
const kinds = [
  ['chat', () => router.completion$(body).subscribe(noop)],
  ['text completion', () => router.textCompletion$({ model: 'g', prompt: 'Say hello' }).subscribe(noop)],
  ['embedding', () => router.embedding$({ model: 'g', input: 'Say hello' }).subscribe(noop)],
];
body.model = 'g';
// One pass to warm every path up, then the measured one: the first kind would otherwise pay the JIT.
for (const [, call] of kinds) await timeRounds(call);
for (const [name, call] of kinds) console.log(`| ${name} | ${(await timeRounds(call)).toFixed(2)} |`);
await router.close();
