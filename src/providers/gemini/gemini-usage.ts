import type { Usage } from '../../protocol/chat.js';
import type { GeminiUsageMetadata } from './gemini-types.js';

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

/**
 * OpenAI usage from Gemini's `usageMetadata`: prompt_tokens from promptTokenCount, completion_tokens
 * from candidatesTokenCount plus thoughtsTokenCount (billed as output, as OpenAI counts reasoning
 * tokens, and shown apart as `completion_tokens_details.reasoning_tokens`), total_tokens from
 * totalTokenCount. `undefined` when Gemini sent none.
 *
 * @example
 * geminiUsage({ promptTokenCount: 5, candidatesTokenCount: 7, totalTokenCount: 12 })
 * // { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 }
 */
export function geminiUsage(metadata: GeminiUsageMetadata | undefined): Usage | undefined {
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const prompt = count(metadata.promptTokenCount);
  const thoughts = count(metadata.thoughtsTokenCount);
  const completion = count(metadata.candidatesTokenCount) + thoughts;
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: typeof metadata.totalTokenCount === 'number' ? count(metadata.totalTokenCount) : prompt + completion,
  };
  if (thoughts > 0) usage['completion_tokens_details'] = { reasoning_tokens: thoughts };
  return usage;
}
