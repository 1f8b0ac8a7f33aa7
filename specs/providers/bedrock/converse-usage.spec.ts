import { describe, expect, it } from 'vitest';
import { converseUsage } from '../../../src/providers/bedrock/converse-usage.js';

describe('converseUsage', () => {
  it("maps Converse's token counts to OpenAI's usage", () => {
    expect(converseUsage({ inputTokens: 12, outputTokens: 3, totalTokens: 15 })).toEqual({ prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 });
  });

  it('adds up a missing total, and reports cache reads as cached prompt tokens', () => {
    expect(converseUsage({ inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 8 })).toEqual({
      prompt_tokens: 10,
      completion_tokens: 5,
      total_tokens: 15,
      prompt_tokens_details: { cached_tokens: 8 },
    });
  });

  it('is undefined when the upstream counted nothing', () => {
    expect(converseUsage(undefined)).toBeUndefined();
    expect(converseUsage({ latencyMs: 3 })).toBeUndefined();
  });
});
