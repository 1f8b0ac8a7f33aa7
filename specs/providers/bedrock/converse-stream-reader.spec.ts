import { readFileSync } from 'node:fs';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APIConnectionError, BadRequestError, RateLimitError } from '../../../src/errors/error-classes.js';
import type { RxllmError } from '../../../src/errors/rxllm-error.js';
import type { ChatCompletionChunk } from '../../../src/protocol/chat.js';
import { isContentChunk } from '../../../src/protocol/is-content-chunk.js';
import { ConverseStreamReader } from '../../../src/providers/bedrock/converse-stream-reader.js';
import { encodeFrame, type FakeFrame } from '../../support/fake-bedrock.js';
import { type ReaderFactory, splitsAnywhere } from '../../support/stream-reader-checks.js';

const fixture = (name: string): FakeFrame[] => JSON.parse(readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8')) as FakeFrame[];
const textStream = fixture('converse-stream-text.json');
const toolStream = fixture('converse-stream-tool-use.json');

const encode = (frames: readonly FakeFrame[]) => Buffer.concat(frames.map((frame) => encodeFrame(frame)));

interface Recorded {
  chunks: ChatCompletionChunk[];
  error: RxllmError | undefined;
  completed: boolean;
}

/** Feeds `body` cut at `cuts`, then ends it (unless `end` is false), recording what the sink got. */
function read(body: Buffer, options: { cuts?: number[]; includeUsage?: boolean; end?: boolean; secrets?: string[] } = {}): Recorded {
  const recorded: Recorded = { chunks: [], error: undefined, completed: false };
  const sink = {
    get closed() {
      return recorded.error !== undefined || recorded.completed;
    },
    next: (chunk: ChatCompletionChunk) => recorded.chunks.push(chunk),
    complete: () => {
      recorded.completed = true;
    },
    error: (error: RxllmError) => {
      recorded.error = error;
    },
  };
  const reader = new ConverseStreamReader(sink, { model: 'm', includeUsage: options.includeUsage ?? false, nowMs: 1_700_000_000_000, secrets: options.secrets ?? [] });
  const points = [0, ...(options.cuts ?? []), body.length];
  points.slice(1).forEach((end, index) => reader.push(body.subarray(points[index], end)));
  if (options.end !== false) reader.end();
  return recorded;
}

const deltas = (recorded: Recorded) => recorded.chunks.map((chunk) => chunk.choices[0]?.delta ?? 'usage');

describe('ConverseStreamReader', () => {
  it('turns a text stream into a role chunk, content chunks and a finish chunk, whole at metadata', () => {
    const recorded = read(encode(textStream), { end: false });
    expect(deltas(recorded)).toEqual([{ role: 'assistant', content: '' }, { content: 'Hello' }, { content: ' from' }, { content: ' Bedrock' }, {}]);
    expect(recorded.chunks.map((chunk) => chunk.choices[0]?.finish_reason)).toEqual([null, null, null, null, 'stop']);
    expect(recorded.chunks[0]).toMatchObject({ object: 'chat.completion.chunk', model: 'm', created: 1_700_000_000 });
    expect(new Set(recorded.chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(recorded.completed).toBe(true);
  });

  it('never counts messageStart as a first chunk', () => {
    const [roleChunk] = read(encode(textStream.slice(0, 1)), { end: false }).chunks;
    expect(roleChunk).toBeDefined();
    expect(isContentChunk(roleChunk!)).toBe(false);
  });

  it('reads the same chunks of a tool-use stream with usage however the network cut the frames', () => {
    const body = encode(toolStream);
    const reader: ReaderFactory = (sink) => new ConverseStreamReader(sink, { model: 'm', includeUsage: true, nowMs: 1_700_000_000_000, secrets: [] });
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: body.length - 1 }), { maxLength: 10 }), (cuts) => splitsAnywhere(reader, body, cuts)));
  });

  it('streams tool calls: the call with its id and name, then its arguments, and finish_reason tool_calls', () => {
    const recorded = read(encode(toolStream));
    expect(deltas(recorded)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Let me check.' },
      { tool_calls: [{ index: 0, id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', type: 'function', function: { name: 'top_song', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"sign": ' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"WZPZ"}' } }] },
      {},
    ]);
    expect(recorded.chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('sends the usage as a last choices-less chunk only when asked (include_usage)', () => {
    expect(read(encode(textStream), { includeUsage: true }).chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 },
    });
    expect(read(encode(textStream)).chunks.some((chunk) => chunk.usage !== undefined)).toBe(false);
  });

  it('streams reasoning as reasoning_content', () => {
    const frames: FakeFrame[] = [
      textStream[0]!,
      { event: 'contentBlockDelta', payload: { contentBlockIndex: 0, delta: { reasoningContent: { text: 'Hmm.' } } } },
      { event: 'contentBlockDelta', payload: { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'sig' } } } },
      ...textStream.slice(5),
    ];
    expect(deltas(read(encode(frames)))).toEqual([{ role: 'assistant', content: '' }, { reasoning_content: 'Hmm.' }, {}]);
  });

  it('errors with the typed error of an exception frame, and delivers nothing after it', () => {
    const frames: FakeFrame[] = [...textStream.slice(0, 2), { exception: 'throttlingException', message: 'Too many tokens, key AKID.' }, ...textStream.slice(2)];
    const recorded = read(encode(frames), { secrets: ['AKID'] });
    expect(deltas(recorded)).toEqual([{ role: 'assistant', content: '' }, { content: 'Hello' }]);
    expect(recorded.error).toBeInstanceOf(RateLimitError);
    expect(recorded.error?.message).toBe('Bedrock ThrottlingException: Too many tokens, key [redacted].');
    expect(recorded.completed).toBe(false);
    expect(read(encode([{ exception: 'validationException', message: 'bad' }])).error).toBeInstanceOf(BadRequestError);
  });

  it("errors with APIConnectionError on the event-stream protocol's own error frame", () => {
    const codec = new EventStreamCodec(toUtf8, fromUtf8);
    const frame = codec.encode({
      headers: {
        ':message-type': { type: 'string', value: 'error' },
        ':error-code': { type: 'string', value: 'InternalFailure' },
        ':error-message': { type: 'string', value: 'boom' },
      },
      body: new Uint8Array(0),
    });
    const recorded = read(Buffer.from(frame));
    expect(recorded.error).toBeInstanceOf(APIConnectionError);
    expect(recorded.error?.message).toMatch(/InternalFailure: boom/);
  });

  it('errors with APIConnectionError on a corrupt frame (its CRC does not match)', () => {
    const body = encode(textStream);
    body[20] = (body[20] ?? 0) ^ 0xff;
    const recorded = read(body);
    expect(recorded.error).toBeInstanceOf(APIConnectionError);
    expect(recorded.error?.message).toMatch(/unreadable upstream event stream/);
    expect(recorded.chunks).toEqual([]);
  });

  it('delivers the frames before a prelude of impossible length, then errors at once, wherever the network cut', () => {
    // Found by specs/providers/stream-reader-properties.spec.ts: the frames that arrived in the same
    // packet as the bad prelude were dropped, so what the caller got depended on the packet's cuts.
    const head = encode(textStream.slice(0, 2));
    const body = Buffer.concat([head, Buffer.from([0, 0, 0, 0])]);
    const together = read(body, { end: false });
    const apart = read(body, { cuts: [head.length], end: false });
    expect(deltas(together)).toEqual([{ role: 'assistant', content: '' }, { content: 'Hello' }]);
    expect(deltas(together)).toEqual(deltas(apart));
    expect(together.error).toBeInstanceOf(APIConnectionError);
    expect(together.error?.message).toMatch(/0 bytes/);
  });

  it('errors when the body ends without messageStop, or in the middle of a frame', () => {
    const cutShort = read(encode(textStream.slice(0, 3)));
    expect(cutShort.error).toBeInstanceOf(APIConnectionError);
    expect(cutShort.error?.message).toMatch(/without messageStop/);
    const torn = encode(textStream.slice(0, 6));
    const mid = read(torn.subarray(0, torn.length - 5));
    expect(mid.error?.message).toMatch(/mid-event/);
  });

  it('completes at the end of the body after messageStop even without metadata', () => {
    const recorded = read(encode(textStream.slice(0, 6)));
    expect(recorded.error).toBeUndefined();
    expect(recorded.completed).toBe(true);
  });

  it('ignores events it does not know', () => {
    const frames: FakeFrame[] = [textStream[0]!, { event: 'citationsDelta', payload: { x: 1 } }, ...textStream.slice(1)];
    expect(deltas(read(encode(frames)))).toEqual(deltas(read(encode(textStream))));
  });
});
