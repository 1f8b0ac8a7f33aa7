import type { RoutingStrategyName } from '../config/router-config-schema.js';
import type { RoutingStrategy } from './routing-strategy.js';
import { simpleShuffle } from './simple-shuffle.js';

const strategies: Partial<Record<RoutingStrategyName, RoutingStrategy>> = {
  'simple-shuffle': simpleShuffle,
};

/** The strategy a `routing_strategy` name stands for. */
export function strategyFor(name: RoutingStrategyName): RoutingStrategy {
  const strategy = strategies[name];
  if (strategy === undefined) throw new Error(`routing_strategy "${name}" is not implemented yet`);
  return strategy;
}
