import { usageThisMinute } from '../deployments/deployment-state.js';
import { pickAmong } from './random-index.js';
import type { RoutingStrategy } from './routing-strategy.js';

/**
 * `usage-based-routing-v2` (and `usage-based-routing`): skips every deployment that this request
 * would take over its `rpm` (requests started this minute + 1) or `tpm` (tokens used this minute +
 * the prompt's estimate) limit, then picks the least used of the rest: fewest tokens this minute,
 * then fewest requests, ties at random. Usage resets when a new minute begins (scheduler time).
 * Returns `undefined` when every deployment is at its limit: the router then fails the call with a
 * 429 `RateLimitError` whose `retryAfter` is the time left in the minute.
 *
 * @example
 * new Router({ routing_strategy: 'usage-based-routing-v2', model_list: [
 *   { model_name: 'gpt-4o', litellm_params: { model: 'openai/gpt-4o', rpm: 60, tpm: 90000 } }, ...] })
 */
export const usageBasedRoutingV2: RoutingStrategy = (candidates, snapshots, context, random) => {
  let best: number[] = [];
  let bestTokens = Number.POSITIVE_INFINITY;
  let bestRequests = Number.POSITIVE_INFINITY;
  candidates.forEach((deployment, index) => {
    const state = snapshots[index];
    if (state === undefined) return;
    const { requests, tokens } = usageThisMinute(state, context.now);
    if (deployment.rpm !== undefined && requests + 1 > deployment.rpm) return;
    if (deployment.tpm !== undefined && tokens + context.estimatedTokens > deployment.tpm) return;
    if (tokens < bestTokens || (tokens === bestTokens && requests < bestRequests)) {
      best = [index];
      bestTokens = tokens;
      bestRequests = requests;
    } else if (tokens === bestTokens && requests === bestRequests) {
      best.push(index);
    }
  });
  return pickAmong(candidates, best, random);
};
