import { describe, expect, it } from 'vitest';
import { geminiUsage } from '../../../src/providers/gemini/gemini-usage.js';

describe('geminiUsage', () => {
  it('maps promptTokenCount, candidatesTokenCount and totalTokenCount', () => {
    expect(geminiUsage({ promptTokenCount: 8, candidatesTokenCount: 5, totalTokenCount: 13 })).toEqual({
      prompt_tokens: 8,
      completion_tokens: 5,
      total_tokens: 13,
    });
  });

  it('counts thinking tokens as completion tokens, shown apart as reasoning_tokens', () => {
    expect(geminiUsage({ promptTokenCount: 8, candidatesTokenCount: 5, thoughtsTokenCount: 20, totalTokenCount: 33 })).toEqual({
      prompt_tokens: 8,
      completion_tokens: 25,
      total_tokens: 33,
      completion_tokens_details: { reasoning_tokens: 20 },
    });
  });

  it('reads missing counts (the first events of a stream) as 0, and no metadata as no usage', () => {
    expect(geminiUsage({ promptTokenCount: 8, totalTokenCount: 8 })).toEqual({ prompt_tokens: 8, completion_tokens: 0, total_tokens: 8 });
    expect(geminiUsage({ promptTokenCount: 3, candidatesTokenCount: 2 })).toMatchObject({ total_tokens: 5 });
    expect(geminiUsage(undefined)).toBeUndefined();
  });
});
