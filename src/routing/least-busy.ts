import type { RoutingStrategy } from './routing-strategy.js';
import { pickAmong } from './random-index.js';

/**
 * `least-busy`: the deployment with the fewest attempts in flight; ties are broken at random.
 * An attempt counts from its start until it ends, so a stream holds its deployment until its last
 * chunk (or its error, or the caller unsubscribing), not only until its first chunk.
 *
 * @example
 * new Router({ model_list, routing_strategy: 'least-busy' })
 */
export const leastBusy: RoutingStrategy = (candidates, snapshots, _context, random) => {
  let fewest = Number.POSITIVE_INFINITY;
  let idlest: number[] = [];
  snapshots.forEach((state, index) => {
    if (state.inFlight < fewest) {
      fewest = state.inFlight;
      idlest = [index];
    } else if (state.inFlight === fewest) {
      idlest.push(index);
    }
  });
  return pickAmong(candidates, idlest, random);
};
