import type { Usage } from '../../protocol/chat.js';

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Converse's token counts (`inputTokens`, `outputTokens`, `totalTokens`, `cacheReadInputTokens`) as
 * OpenAI's `usage`, so that usage-based routing sees Bedrock as it sees every provider; `undefined`
 * when the upstream sent none.
 *
 * @example
 * converseUsage({ inputTokens: 12, outputTokens: 3, totalTokens: 15 })
 * // { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 }
 */
export function converseUsage(usage: unknown): Usage | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const fields = usage as Readonly<Record<string, unknown>>;
  const input = count(fields['inputTokens']);
  const output = count(fields['outputTokens']);
  if (input === undefined && output === undefined) return undefined;
  const prompt_tokens = input ?? 0;
  const completion_tokens = output ?? 0;
  const cached = count(fields['cacheReadInputTokens']);
  return {
    prompt_tokens,
    completion_tokens,
    total_tokens: count(fields['totalTokens']) ?? prompt_tokens + completion_tokens,
    ...(cached === undefined ? {} : { prompt_tokens_details: { cached_tokens: cached } }),
  };
}
