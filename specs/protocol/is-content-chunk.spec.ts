import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk, ChatCompletionChunkChoice } from '../../src/protocol/chat.js';
import { isContentChunk } from '../../src/protocol/is-content-chunk.js';

function chunkWith(choices: unknown[], extra: Record<string, unknown> = {}): ChatCompletionChunk {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'gpt-4o',
    choices: choices as ChatCompletionChunkChoice[],
    ...extra,
  };
}

const choice = (delta: unknown, finish_reason: string | null = null) => ({ index: 0, delta, finish_reason });

describe('isContentChunk', () => {
  it.each([
    ['a text delta', [choice({ content: 'Hi' })]],
    ['a text delta on the role chunk', [choice({ role: 'assistant', content: 'Hi' })]],
    ['a refusal delta', [choice({ refusal: 'I cannot' })]],
    ['a tool-call delta', [choice({ tool_calls: [{ index: 0, id: 'call_1', function: { name: 'f', arguments: '' } }] })]],
    ['a legacy function_call delta', [choice({ function_call: { name: 'f' } })]],
    ['a reasoning_content delta', [choice({ reasoning_content: 'Thinking' })]],
    ['a reasoning delta', [choice({ reasoning: 'Thinking' })]],
    ['a finish_reason with an empty delta', [choice({}, 'stop')]],
    ['a finish_reason with no delta at all', [{ index: 0, finish_reason: 'length' }]],
    ['content in the second choice only', [choice({}), { ...choice({ content: 'x' }), index: 1 }]],
  ])('is true for %s', (_, choices) => {
    expect(isContentChunk(chunkWith(choices))).toBe(true);
  });

  it.each([
    ['the role-only chunk', [choice({ role: 'assistant' })]],
    ['the role chunk with empty content', [choice({ role: 'assistant', content: '' })]],
    ['a null content', [choice({ content: null })]],
    ['an empty delta', [choice({})]],
    ['an empty tool_calls list', [choice({ tool_calls: [] })]],
    ['an empty refusal and reasoning', [choice({ refusal: '', reasoning_content: '' })]],
    ['a missing delta', [{ index: 0, finish_reason: null }]],
    ['a null delta', [choice(null)]],
    ['a null choice', [null]],
    ['no choices (a usage-only chunk)', []],
  ])('is false for %s', (_, choices) => {
    expect(isContentChunk(chunkWith(choices))).toBe(false);
  });

  it('is false for a usage-only chunk even though it carries token counts', () => {
    const usage = { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 };
    expect(isContentChunk(chunkWith([], { usage }))).toBe(false);
  });

  it('is false, not a throw, when choices is missing', () => {
    const malformed = { id: 'x', object: 'chat.completion.chunk', created: 0, model: 'm' } as unknown as ChatCompletionChunk;
    expect(isContentChunk(malformed)).toBe(false);
  });
});
