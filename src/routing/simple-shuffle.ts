import type { Deployment } from '../config/router-settings.js';
import { randomIndex } from './random-index.js';
import type { RoutingStrategy } from './routing-strategy.js';
import { weightedPick } from './weighted-pick.js';

type WeightField = 'weight' | 'rpm' | 'tpm';

function weightsBy(candidates: readonly Deployment[], field: WeightField): number[] {
  const given = candidates.map((deployment) => deployment[field]).filter((value): value is number => value !== undefined);
  // A deployment without the field gets a neutral share: 1 for `weight` (weights are relative),
  // the mean of the others' limits for rpm / tpm (unknown capacity counts as average capacity).
  const neutral = field === 'weight' ? 1 : given.reduce((sum, value) => sum + value, 0) / given.length;
  return candidates.map((deployment) => deployment[field] ?? neutral);
}

const weightFields: readonly WeightField[] = ['weight', 'rpm', 'tpm'];

/** The first of weight, rpm, tpm that any candidate sets. Loops, not callbacks: it runs on every call. */
function weightFieldOf(candidates: readonly Deployment[]): WeightField | undefined {
  for (const field of weightFields) {
    for (const deployment of candidates) if (deployment[field] !== undefined) return field;
  }
  return undefined;
}

/**
 * LiteLLM's default strategy: a random pick weighted by `weight`, else by `rpm`, else by `tpm`, else
 * uniform. The field is chosen when ANY candidate has it (LiteLLM looks at the first one only), and
 * each deployment is weighted by its own value; one without it gets a neutral share (weight 1, or
 * the mean of the others' rpm / tpm). A weight of 0 is never picked while another is positive.
 *
 * @example
 * // a gets ~90% of the calls, b ~10%
 * model_list: [{ model_name: 'm', litellm_params: { model: 'openai/a', weight: 9 } },
 *              { model_name: 'm', litellm_params: { model: 'openai/b', weight: 1 } }]
 */
export const simpleShuffle: RoutingStrategy = (candidates, _snapshots, _context, random) => {
  if (candidates.length <= 1) return candidates[0];
  const field = weightFieldOf(candidates);
  if (field === undefined) return candidates[randomIndex(candidates.length, random)];
  return candidates[weightedPick(weightsBy(candidates, field), random())];
};
