import { describe, expect, it } from 'vitest';
import { ContentPolicyViolationError } from '../../../src/errors/error-classes.js';
import { isContentChunk } from '../../../src/protocol/is-content-chunk.js';
import { GeminiStreamState, type GeminiStreamStep } from '../../../src/providers/gemini/gemini-stream-state.js';
import type { GeminiResponse } from '../../../src/providers/gemini/gemini-types.js';
import { fixture, sseEvents } from '../../support/fixtures.js';

/** A recorded stream's events, parsed as the reader hands them over. */
function events(name: string): GeminiResponse[] {
  return sseEvents(fixture(new URL(`./fixtures/${name}`, import.meta.url))).map(
    (event) => JSON.parse(event.replace(/^data: /, '')) as GeminiResponse,
  );
}

function replay(state: GeminiStreamState, name: string): GeminiStreamStep[] {
  return events(name).map((event) => state.next(event));
}

describe('GeminiStreamState', () => {
  it('turns each event into a chunk: the first carries the role, the last the finish reason', () => {
    const state = new GeminiStreamState('gemini-2.0-flash', 1_731_400_000, false);
    const steps = replay(state, 'text.sse');
    expect(steps.map((step) => (step.kind === 'chunk' ? step.chunk.choices[0] : step))).toEqual([
      { index: 0, delta: { role: 'assistant', content: 'Hello' }, finish_reason: null, logprobs: null },
      { index: 0, delta: { content: ' from' }, finish_reason: null, logprobs: null },
      { index: 0, delta: { content: ' Gemini' }, finish_reason: 'stop', logprobs: null },
    ]);
    expect(steps[0]).toMatchObject({ chunk: { id: 'o5cxaLTQBqGS1MkP4Kf5sQ4', object: 'chat.completion.chunk', created: 1_731_400_000, model: 'gemini-2.0-flash' } });
    expect(state.whole).toBe(true);
  });

  it('sends usage as a last choices: [] chunk only when asked (include_usage)', () => {
    const asked = new GeminiStreamState('m', 0, true);
    replay(asked, 'text.sse');
    expect(asked.usageChunk()).toMatchObject({ choices: [], usage: { prompt_tokens: 8, completion_tokens: 5, total_tokens: 13 } });
    const notAsked = new GeminiStreamState('m', 0, false);
    replay(notAsked, 'text.sse');
    expect(notAsked.usageChunk()).toBeUndefined();
  });

  it('makes content-free events nothing a first-chunk clock would take as content', () => {
    const steps = replay(new GeminiStreamState('m', 0, false), 'content-free-start.sse');
    expect(steps[0]).toMatchObject({ kind: 'chunk', chunk: { choices: [{ delta: { role: 'assistant', content: '' } }] } });
    expect(steps[0]?.kind === 'chunk' && isContentChunk(steps[0].chunk)).toBe(false);
    expect(steps[1]).toEqual({ kind: 'none' });
  });

  it('is not whole until every candidate has finished', () => {
    const state = new GeminiStreamState('m', 0, false);
    expect(state.whole).toBe(false);
    state.next(events('text.sse')[0]!);
    expect(state.whole).toBe(false);
    state.next({ candidates: [{ content: { parts: [{ text: 'x' }] }, index: 1 }] });
    state.next({ candidates: [{ content: { parts: [{ text: '' }] }, finishReason: 'STOP', index: 0 }] });
    expect(state.whole).toBe(false);
    state.next({ candidates: [{ finishReason: 'MAX_TOKENS', index: 1 }] });
    expect(state.whole).toBe(true);
  });

  it('maps a SAFETY stop to content_filter', () => {
    const steps = replay(new GeminiStreamState('m', 0, false), 'safety-stop.sse');
    expect(steps[1]).toMatchObject({ kind: 'chunk', chunk: { choices: [{ delta: { content: '' }, finish_reason: 'content_filter' }] } });
  });

  it('errors with ContentPolicyViolationError when the prompt is blocked', () => {
    const step = new GeminiStreamState('m', 0, false).next({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } });
    expect(step.kind === 'error' && step.error).toBeInstanceOf(ContentPolicyViolationError);
  });
});
