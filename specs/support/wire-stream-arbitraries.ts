// Generated valid streaming bodies in each provider's wire format, built from the recorded fixtures
// under specs/providers/<provider>/fixtures with the answer's text replaced by generated pieces
// (any Unicode: multi-byte characters put cuts inside a character). Each comes as its frames, with
// the frame that makes it whole (see `WireStream`), and an error frame of the format with its status.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { anthropicWireFormat } from '../../src/providers/anthropic/anthropic-wire-format.js';
import { azureWireFormat } from '../../src/providers/azure/azure-wire-format.js';
import { bedrockWireFormat } from '../../src/providers/bedrock/bedrock-wire-format.js';
import { geminiWireFormat } from '../../src/providers/gemini/gemini-wire-format.js';
import { openAIWireFormat } from '../../src/providers/openai-wire-format.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import type { WireFormat } from '../../src/providers/wire-format.js';
import { encodeFrame, type FakeFrame } from './fake-bedrock.js';
import { sseEvents } from './fixtures.js';
import type { ReaderFactory, WireStream } from './stream-reader-checks.js';
import { testDeployment } from './test-deployment.js';

/** One format's stream reader, how to make its valid streams, and an error frame it must honour. */
export interface FormatUnderTest {
  readonly name: string;
  readonly read: ReaderFactory;
  readonly streams: fc.Arbitrary<WireStream>;
  readonly errorFrame: Buffer;
  /** The status of the typed error `errorFrame` stands for. */
  readonly errorStatus: number;
}

type Json = Record<string, unknown>;

const fixtureText = (provider: string, name: string): string => readFileSync(new URL(`../providers/${provider}/fixtures/${name}`, import.meta.url), 'utf8');

/** The JSON of each `data:` line of a recorded SSE body, event by event (`[DONE]` left out). */
function sseData(provider: string, name: string): Json[] {
  return sseEvents(fixtureText(provider, name))
    .map((event) => /^data: ?(.*)$/m.exec(event)?.[1] ?? '')
    .filter((data) => data !== '[DONE]')
    .map((data) => JSON.parse(data) as Json);
}

/** An SSE event (`event:` line when named), and its length up to the end of its data. */
function sse(data: unknown, event?: string): { readonly frame: Buffer; readonly payload: number } {
  const head = `${event === undefined ? '' : `event: ${event}\n`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}`;
  return { frame: Buffer.from(`${head}\n\n`), payload: Buffer.byteLength(head) };
}

/** `frames`, whole at `frames[marker]`. */
function sseStream(events: readonly { readonly frame: Buffer; readonly payload: number }[], marker: number): WireStream {
  return { frames: events.map((event) => event.frame), marker, markerPayload: events[marker]?.payload ?? 0 };
}

/** A deep copy of `template` with `value` at `path` (templates are shared between cases). */
function withValue(template: Json, path: readonly (string | number)[], value: unknown): Json {
  const copy = structuredClone(template);
  let node: unknown = copy;
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[key];
  const last = path[path.length - 1];
  if (typeof node !== 'object' || node === null || last === undefined) throw new Error(`no ${path.join('.')} in the fixture`);
  (node as Record<string | number, unknown>)[last] = value;
  return copy;
}

/** 1–5 pieces of answer text: any Unicode, one character or more each. */
const texts = fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 });

function request(model: string, apiKey: string, kind: 'chat' | 'text_completion'): ProviderRequest {
  const input = kind === 'chat' ? { messages: [{ role: 'user', content: 'Hi' }] } : { prompt: 'Say hi' };
  return { deployment: testDeployment({ apiBase: 'http://127.0.0.1:1', model, apiKey }), body: { model, ...input, stream: true }, stream: true, kind };
}

function readerOf(format: WireFormat, model: string, kind: 'chat' | 'text_completion' = 'chat'): ReaderFactory {
  const provider = request(model, 'sk-secret-key', kind);
  return (sink) => format.streamReader(sink, provider, 1_700_000_000_000);
}

/** OpenAI chat chunks: a role chunk, the texts, a finish; `[DONE]` or not (the finish makes it whole). */
export function openAIStreams(): fc.Arbitrary<WireStream> {
  const chunk = (delta: Json, finish: string | null = null): Json => ({
    id: 'chatcmpl-prop',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'gpt-prop',
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  return fc.tuple(texts, fc.boolean()).map(([pieces, done]) => {
    const events = [sse(chunk({ role: 'assistant', content: '' })), ...pieces.map((text) => sse(chunk({ content: text }))), sse(chunk({}, 'stop'))];
    return sseStream(done ? [...events, sse('[DONE]')] : events, events.length - 1);
  });
}

/** OpenAI text-completion pieces (`/v1/completions`): an empty piece, the texts, a finish, `[DONE]` or not. */
export function openAITextStreams(): fc.Arbitrary<WireStream> {
  const piece = (text: string, finish: string | null = null): Json => ({
    id: 'cmpl-prop',
    object: 'text_completion',
    created: 1_700_000_000,
    model: 'gpt-prop-instruct',
    choices: [{ index: 0, text, finish_reason: finish, logprobs: null }],
  });
  return fc.tuple(texts, fc.boolean()).map(([pieces, done]) => {
    const events = [sse(piece('')), ...pieces.map((text) => sse(piece(text))), sse(piece('', 'stop'))];
    return sseStream(done ? [...events, sse('[DONE]')] : events, events.length - 1);
  });
}

/** Azure's stream as recorded: the `prompt_filter_results` chunk, content with filter results, finish, `[DONE]`. */
export function azureStreams(): fc.Arbitrary<WireStream> {
  const [filters, role, content, , finish] = sseData('azure', 'stream-with-filters.sse') as [Json, Json, Json, Json, Json];
  return texts.map((pieces) => {
    const events = [
      sse(filters),
      sse(role),
      ...pieces.map((text) => sse(withValue(content, ['choices', 0, 'delta', 'content'], text))),
      sse(finish),
    ];
    return sseStream([...events, sse('[DONE]')], events.length - 1);
  });
}

/** Gemini's `alt=sse` stream as recorded: candidates' text, the last with `finishReason` (whole at the end). */
export function geminiStreams(): fc.Arbitrary<WireStream> {
  const [middle, , last] = sseData('gemini', 'text.sse') as [Json, Json, Json];
  return texts.map((pieces) => {
    const events = pieces.map((text, index) =>
      sse(withValue(index === pieces.length - 1 ? last : middle, ['candidates', 0, 'content', 'parts', 0, 'text'], text)),
    );
    return sseStream(events, events.length - 1);
  });
}

/** Anthropic's Messages stream as recorded: start, block start, ping, text deltas, block stop, delta, `message_stop`. */
export function anthropicStreams(): fc.Arbitrary<WireStream> {
  const recorded = sseData('anthropic', 'text.sse');
  const [start, blockStart, ping, delta, , blockStop, messageDelta, stop] = recorded as [Json, Json, Json, Json, Json, Json, Json, Json];
  return texts.map((pieces) => {
    const events = [
      sse(start, 'message_start'),
      sse(blockStart, 'content_block_start'),
      sse(ping, 'ping'),
      ...pieces.map((text) => sse(withValue(delta, ['delta', 'text'], text), 'content_block_delta')),
      sse(blockStop, 'content_block_stop'),
      sse(messageDelta, 'message_delta'),
      sse(stop, 'message_stop'),
    ];
    return sseStream(events, events.length - 1);
  });
}

/** Bedrock's ConverseStream as recorded: event-stream frames, whole at `messageStop`, `metadata` after it or not. */
export function bedrockStreams(): fc.Arbitrary<WireStream> {
  const recorded = JSON.parse(fixtureText('bedrock', 'converse-stream-text.json')) as FakeFrame[];
  const named = (event: string): FakeFrame => {
    const frame = recorded.find((candidate) => 'event' in candidate && candidate.event === event);
    if (frame === undefined) throw new Error(`no ${event} frame in converse-stream-text.json`);
    return frame;
  };
  const delta = named('contentBlockDelta') as { event: string; payload: Json };
  return fc.tuple(texts, fc.boolean()).map(([pieces, metadata]) => {
    const frames: FakeFrame[] = [
      named('messageStart'),
      ...pieces.map((text) => ({ event: delta.event, payload: withValue(delta.payload, ['delta', 'text'], text) })),
      named('contentBlockStop'),
      named('messageStop'),
      ...(metadata ? [named('metadata')] : []),
    ];
    const encoded = frames.map((frame) => Buffer.from(encodeFrame(frame)));
    const marker = frames.indexOf(named('messageStop'));
    return { frames: encoded, marker, markerPayload: encoded[marker]?.length ?? 0 };
  });
}

/** Every provider adapter's stream reader (DESIGN §8), as its `WireFormat` makes it (and OpenAI's for text completions, DESIGN §9). */
export function formatsUnderTest(): FormatUnderTest[] {
  const overloaded = { error: { message: 'The server is overloaded', type: 'server_error', code: null } };
  const [, geminiError] = sseData('gemini', 'mid-stream-error.sse') as [Json, Json];
  const anthropicError = sseData('anthropic', 'error-mid-stream.sse').find((data) => data['type'] === 'error');
  return [
    { name: 'openai-compatible', read: readerOf(openAIWireFormat, 'gpt-prop'), streams: openAIStreams(), errorFrame: sse(overloaded).frame, errorStatus: 500 },
    {
      name: 'openai-compatible text completions',
      read: readerOf(openAIWireFormat, 'gpt-prop-instruct', 'text_completion'),
      streams: openAITextStreams(),
      errorFrame: sse(overloaded).frame,
      errorStatus: 500,
    },
    { name: 'azure', read: readerOf(azureWireFormat, 'azure-prop'), streams: azureStreams(), errorFrame: sse(overloaded).frame, errorStatus: 500 },
    { name: 'gemini', read: readerOf(geminiWireFormat, 'gemini-prop'), streams: geminiStreams(), errorFrame: sse(geminiError).frame, errorStatus: 503 },
    { name: 'anthropic', read: readerOf(anthropicWireFormat, 'claude-prop'), streams: anthropicStreams(), errorFrame: sse(anthropicError, 'error').frame, errorStatus: 503 },
    {
      name: 'bedrock',
      read: readerOf(bedrockWireFormat, 'bedrock-prop'),
      streams: bedrockStreams(),
      errorFrame: Buffer.from(encodeFrame({ exception: 'throttlingException', message: 'Too many requests' })),
      errorStatus: 429,
    },
  ];
}
