import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../../../src/errors/error-classes.js';
import type { ChatCompletionChunk } from '../../../src/protocol/chat.js';
import { isContentChunk } from '../../../src/protocol/is-content-chunk.js';
import { AnthropicStreamState, type AnthropicStreamStep } from '../../../src/providers/anthropic/anthropic-stream-state.js';
import { fixture, sseEvents } from '../../support/fixtures.js';

/** The JSON of each recorded event, in order. */
function recorded(name: string): unknown[] {
  return sseEvents(fixture(new URL(`./fixtures/${name}`, import.meta.url))).map((event) => {
    const data = /^data: (.*)$/m.exec(event)?.[1];
    return JSON.parse(data ?? 'null') as unknown;
  });
}

function replay(events: readonly unknown[], includeUsage = false): AnthropicStreamStep[] {
  const state = new AnthropicStreamState('claude-requested', 1_731_400_000, includeUsage);
  return events.map((event) => state.next(event));
}

const chunksOf = (steps: readonly AnthropicStreamStep[]): ChatCompletionChunk[] =>
  steps.flatMap((step) => (step.kind === 'chunk' ? [step.chunk] : step.kind === 'done' && step.usage !== undefined ? [step.usage] : []));

describe('AnthropicStreamState', () => {
  it('turns the recorded text stream into a role chunk, content deltas and a finish chunk, then done', () => {
    const steps = replay(recorded('text.sse'));
    expect(steps.map((step) => step.kind)).toEqual(['chunk', 'none', 'none', 'chunk', 'chunk', 'none', 'chunk', 'done']);
    const chunks = chunksOf(steps);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([{ role: 'assistant', content: '' }, { content: 'Hello' }, { content: '!' }, {}]);
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason)).toEqual([null, null, null, 'stop']);
    expect(chunks.every((chunk) => chunk.id === 'msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY' && chunk.model === 'claude-opus-4-1-20250805')).toBe(true);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.created === 1_731_400_000)).toBe(true);
  });

  it('never makes a content chunk of message_start, ping or a text content_block_start', () => {
    const [messageStart, blockStart, ping] = recorded('text.sse');
    const steps = replay([messageStart, blockStart, ping]);
    expect(chunksOf(steps).some(isContentChunk)).toBe(false);
  });

  it('streams tool calls: id and name first, then the input_json_delta pieces as arguments, indexed among tool calls', () => {
    const chunks = chunksOf(replay(recorded('tool-use.sse')));
    const calls = chunks.flatMap((chunk) => (chunk.choices[0]?.delta.tool_calls ?? []) as { index: number; id?: string; function: { name?: string; arguments: string } }[]);
    expect(calls[0]).toEqual({ index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', type: 'function', function: { name: 'get_weather', arguments: '' } });
    const argumentsOf = (index: number) => calls.filter((call) => call.index === index).map((call) => call.function.arguments).join('');
    expect(JSON.parse(argumentsOf(0))).toEqual({ location: 'San Francisco, CA', unit: 'fahrenheit' });
    expect(calls.find((call) => call.index === 1)).toMatchObject({ id: 'toolu_01Vq3qUQxHcH5J7NPsYxqUbU', function: { name: 'get_time' } });
    // A tool called without arguments still gets arguments that parse.
    expect(argumentsOf(1)).toBe('{}');
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe("Okay, let's check the weather:");
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('counts a tool call as content from its first chunk (it stops the first-chunk clock)', () => {
    const events = recorded('tool-use.sse');
    const start = events.findIndex((event) => (event as { content_block?: { type?: string } }).content_block?.type === 'tool_use');
    const [step] = replay([events[0], events[start]]).slice(1);
    expect(step?.kind === 'chunk' && isContentChunk(step.chunk)).toBe(true);
  });

  it('ends with a usage chunk (choices: []) when the request asked for one, input and cumulative output tokens', () => {
    const steps = replay(recorded('text.sse'), true);
    const done = steps.at(-1);
    expect(done).toMatchObject({ kind: 'done', usage: { choices: [], usage: { prompt_tokens: 25, completion_tokens: 15, total_tokens: 40 } } });
    expect(replay(recorded('text.sse'), false).at(-1)).toEqual({ kind: 'done', usage: undefined });
  });

  it('turns an error event into its typed error', () => {
    const steps = replay(recorded('error-mid-stream.sse'));
    const last = steps.at(-1);
    expect(last?.kind).toBe('error');
    expect(last?.kind === 'error' && last.error).toBeInstanceOf(ServiceUnavailableError);
    expect(last).toMatchObject({ error: { status: 503, message: 'Overloaded' } });
  });

  it('is whole only after message_stop', () => {
    const state = new AnthropicStreamState('m', 0, false);
    for (const event of recorded('cut-short.sse')) state.next(event);
    expect(state.whole).toBe(false);
    state.next({ type: 'message_stop' });
    expect(state.whole).toBe(true);
  });

  it('ignores event types it does not know, and delta types it does not translate', () => {
    expect(replay([{ type: 'brand_new_event', x: 1 }, { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 's' } }])).toEqual([
      { kind: 'none' },
      { kind: 'none' },
    ]);
  });

  it('is an APIConnectionError for an event that is not an object', () => {
    expect(replay([[1, 2]])[0]).toMatchObject({ kind: 'error', error: { status: 502 } });
  });
});
