import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APIConnectionError, ServiceUnavailableError } from '../../../src/errors/error-classes.js';
import type { RxllmError } from '../../../src/errors/rxllm-error.js';
import type { ChatCompletionChunk } from '../../../src/protocol/chat.js';
import { AnthropicStreamReader } from '../../../src/providers/anthropic/anthropic-stream-reader.js';
import { AnthropicStreamState } from '../../../src/providers/anthropic/anthropic-stream-state.js';
import type { ChunkSink } from '../../../src/providers/chunk-stream-reader.js';
import { fixture, sseEvents } from '../../support/fixtures.js';
import { type ReaderFactory, splitsAnywhere } from '../../support/stream-reader-checks.js';

interface Recorded extends ChunkSink {
  readonly chunks: ChatCompletionChunk[];
  outcome: 'open' | 'complete' | RxllmError;
}

function sink(): Recorded {
  const recorded: Recorded = {
    chunks: [],
    outcome: 'open',
    get closed() {
      return recorded.outcome !== 'open';
    },
    next: (chunk) => recorded.chunks.push(chunk),
    complete: () => (recorded.outcome = 'complete'),
    error: (error) => (recorded.outcome = error),
  };
  return recorded;
}

/** Feeds `body` cut at `cuts` (byte offsets), then ends it. */
function read(body: Buffer, cuts: readonly number[] = [], includeUsage = false): Recorded {
  const out = sink();
  const reader = new AnthropicStreamReader(out, new AnthropicStreamState('claude-requested', 0, includeUsage, 'sk-ant-secret'));
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    reader.push(body.subarray(from, cut));
    from = cut;
  }
  reader.push(body.subarray(from));
  reader.end();
  return out;
}

const bytes = (name: string) => Buffer.from(fixture(new URL(`./fixtures/${name}`, import.meta.url)));
const text = (chunks: readonly ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');

describe('AnthropicStreamReader', () => {
  it('completes a recorded stream at message_stop, with every chunk', () => {
    const out = read(bytes('text.sse'), [], true);
    expect(out.outcome).toBe('complete');
    expect(text(out.chunks)).toBe('Hello!');
    expect(out.chunks.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: 40 } });
  });

  it('reads the same chunks however the network cuts the bytes (even inside a character)', () => {
    const events = sseEvents(fixture(new URL('./fixtures/tool-use.sse', import.meta.url)));
    const accented = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" — ünïcødé ✓"}}\n\n';
    const body = Buffer.from([...events.slice(0, 5), accented, ...events.slice(5)].join(''));
    const whole = read(body);
    expect(whole.outcome).toBe('complete');
    expect(text(whole.chunks)).toBe("Okay, let's check the weather: — ünïcødé ✓");
    const reader: ReaderFactory = (into) => new AnthropicStreamReader(into, new AnthropicStreamState('claude-requested', 0, false, 'sk-ant-secret'));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: body.length }), { maxLength: 12 }), (cuts) => splitsAnywhere(reader, body, cuts)),
      { numRuns: 100 },
    );
  });

  it('errors with APIConnectionError when the body ends before message_stop (cut short)', () => {
    const out = read(bytes('cut-short.sse'));
    expect(text(out.chunks)).toBe('Once upon a time');
    expect(out.outcome).toBeInstanceOf(APIConnectionError);
    expect((out.outcome as RxllmError).message).toMatch(/before message_stop/);
  });

  it('ends with the typed error of an error event, after the chunks before it', () => {
    const out = read(bytes('error-mid-stream.sse'));
    expect(text(out.chunks)).toBe('Once upon');
    expect(out.outcome).toBeInstanceOf(ServiceUnavailableError);
  });

  it('errors with APIConnectionError on data that is not JSON', () => {
    const out = read(Buffer.from('event: message_start\ndata: {"type": "message_st\n\n'));
    expect(out.outcome).toBeInstanceOf(APIConnectionError);
  });

  it('masks the key in an error event that echoes it', () => {
    const out = read(Buffer.from('event: error\ndata: {"type":"error","error":{"type":"api_error","message":"bad key sk-ant-secret"}}\n\n'));
    expect((out.outcome as RxllmError).message).toBe('bad key [redacted]');
  });

  it('delivers nothing after message_stop', () => {
    const out = read(Buffer.concat([bytes('text.sse'), Buffer.from('event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"late"}}\n\n')]));
    expect(out.outcome).toBe('complete');
    expect(text(out.chunks)).toBe('Hello!');
  });
});
