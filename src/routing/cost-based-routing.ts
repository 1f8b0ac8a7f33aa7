import type { Deployment } from '../config/router-settings.js';
import { pickAmong } from './random-index.js';
import type { RoutingStrategy } from './routing-strategy.js';

/**
 * How a deployment sorts by price: first by how many of its two prices are unknown (0, 1 or 2),
 * then by the sum of the known ones. (LiteLLM counts an unknown price as $5 per token, which sorts
 * the same way.)
 */
function priceKey(deployment: Deployment): readonly [number, number] {
  const prices = [deployment.inputCostPerToken, deployment.outputCostPerToken];
  const known = prices.filter((price): price is number => price !== undefined);
  return [prices.length - known.length, known.reduce((sum, price) => sum + price, 0)];
}

/**
 * `cost-based-routing`: the cheapest deployment by `input_cost_per_token + output_cost_per_token`
 * (from `litellm_params`, else `model_info`); deployments whose cost is unknown come last; equal
 * prices share the load at random.
 *
 * @example
 * new Router({ routing_strategy: 'cost-based-routing', model_list: [
 *   { model_name: 'chat', litellm_params: { model: 'openai/gpt-4o-mini', input_cost_per_token: 1.5e-7, output_cost_per_token: 6e-7 } }, ...] })
 */
export const costBasedRouting: RoutingStrategy = (candidates, _snapshots, _context, random) => {
  let cheapest: number[] = [];
  let best: readonly [number, number] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  candidates.forEach((deployment, index) => {
    const key = priceKey(deployment);
    const order = key[0] - best[0] || key[1] - best[1];
    if (order < 0) {
      cheapest = [index];
      best = key;
    } else if (order === 0) {
      cheapest.push(index);
    }
  });
  return pickAmong(candidates, cheapest, random);
};
