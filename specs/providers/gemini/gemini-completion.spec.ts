import { describe, expect, it } from 'vitest';
import { ContentPolicyViolationError } from '../../../src/errors/error-classes.js';
import { toChatCompletion } from '../../../src/providers/gemini/gemini-completion.js';
import type { GeminiResponse } from '../../../src/providers/gemini/gemini-types.js';
import { fixture } from '../../support/fixtures.js';

const response = (name: string) => JSON.parse(fixture(new URL(`./fixtures/${name}`, import.meta.url))) as GeminiResponse;

describe('toChatCompletion', () => {
  it('maps a generateContent answer to a chat.completion', () => {
    expect(toChatCompletion(response('completion.json'), 'gemini-2.0-flash', 1_731_400_000)).toEqual({
      id: 'o5cxaLTQBqGS1MkP4Kf5sQ4',
      object: 'chat.completion',
      created: 1_731_400_000,
      model: 'gemini-2.0-flash',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from Gemini' }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 8, completion_tokens: 5, total_tokens: 13 },
    });
  });

  it('maps MAX_TOKENS to length', () => {
    expect(toChatCompletion(response('max-tokens.json'), 'm', 0).choices[0]?.finish_reason).toBe('length');
  });

  it('keeps one choice per candidate, and thought summaries apart as reasoning_content', () => {
    const completion = toChatCompletion(
      {
        candidates: [
          { content: { role: 'model', parts: [{ text: 'Thinking…', thought: true }, { text: 'A' }] }, finishReason: 'STOP', index: 0 },
          { content: { role: 'model', parts: [{ text: 'B' }] }, finishReason: 'SAFETY', index: 1 },
        ],
      },
      'gemini-2.5-flash',
      0,
    );
    expect(completion.model).toBe('gemini-2.5-flash');
    expect(completion.choices.map(({ index, message, finish_reason }) => [index, message, finish_reason])).toEqual([
      [0, { role: 'assistant', content: 'A', reasoning_content: 'Thinking…' }, 'stop'],
      [1, { role: 'assistant', content: 'B' }, 'content_filter'],
    ]);
  });

  it('throws ContentPolicyViolationError for a prompt Gemini blocked', () => {
    expect(() => toChatCompletion(response('blocked-prompt.json'), 'm', 0)).toThrow(ContentPolicyViolationError);
  });
});
