import type { Usage } from '../../protocol/chat.js';
import type { AnthropicUsage } from './anthropic-types.js';

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * OpenAI's usage for Anthropic's: `input_tokens` counts only the tokens after the last cache
 * breakpoint, so the prompt is those plus the tokens written to and read from the cache (what the
 * model was given, which is what tpm limits and cost-based routing weigh); reads are also reported
 * as `prompt_tokens_details.cached_tokens`, as OpenAI does. Undefined when Anthropic sent none.
 *
 * @example
 * convertAnthropicUsage({ input_tokens: 25, output_tokens: 15 })
 * // { prompt_tokens: 25, completion_tokens: 15, total_tokens: 40 }
 */
export function convertAnthropicUsage(usage: AnthropicUsage | undefined): Usage | undefined {
  if (usage === undefined || usage === null || typeof usage !== 'object') return undefined;
  const cached = count(usage.cache_read_input_tokens);
  const prompt = count(usage.input_tokens) + count(usage.cache_creation_input_tokens) + cached;
  const completion = count(usage.output_tokens);
  const converted: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (cached > 0) converted['prompt_tokens_details'] = { cached_tokens: cached };
  return converted;
}
