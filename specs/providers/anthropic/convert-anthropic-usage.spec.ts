import { describe, expect, it } from 'vitest';
import { convertAnthropicUsage } from '../../../src/providers/anthropic/convert-anthropic-usage.js';

describe('convertAnthropicUsage', () => {
  it('maps input and output tokens to prompt, completion and total tokens', () => {
    expect(convertAnthropicUsage({ input_tokens: 25, output_tokens: 15 })).toEqual({ prompt_tokens: 25, completion_tokens: 15, total_tokens: 40 });
  });

  it('counts cache writes and reads in the prompt, reads also as cached_tokens', () => {
    expect(convertAnthropicUsage({ input_tokens: 10, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000, output_tokens: 5 })).toEqual({
      prompt_tokens: 1110,
      completion_tokens: 5,
      total_tokens: 1115,
      prompt_tokens_details: { cached_tokens: 1000 },
    });
    expect(convertAnthropicUsage({ input_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: null, output_tokens: 5 })).not.toHaveProperty(
      'prompt_tokens_details',
    );
  });

  it('reads missing or odd counts as 0, and no usage as none', () => {
    expect(convertAnthropicUsage({ output_tokens: 3 })).toEqual({ prompt_tokens: 0, completion_tokens: 3, total_tokens: 3 });
    expect(convertAnthropicUsage({ input_tokens: -1, output_tokens: Number.NaN })).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
    expect(convertAnthropicUsage(undefined)).toBeUndefined();
  });
});
