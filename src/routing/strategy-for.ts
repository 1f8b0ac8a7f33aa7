import type { RoutingStrategyName } from '../config/router-config-schema.js';
import { ConfigError, type ConfigIssue } from '../errors/config-error.js';
import { costBasedRouting } from './cost-based-routing.js';
import { latencyBasedRouting, latencyRoutingArgs } from './latency-based-routing.js';
import { leastBusy } from './least-busy.js';
import type { RoutingStrategy } from './routing-strategy.js';
import { simpleShuffle } from './simple-shuffle.js';
import { usageBasedRoutingV2 } from './usage-based-routing-v2.js';

const strategies: Record<RoutingStrategyName, RoutingStrategy> = {
  'simple-shuffle': simpleShuffle,
  'least-busy': leastBusy,
  'latency-based-routing': latencyBasedRouting,
  // LiteLLM's v1 is its v2 without Redis-safe counting; with one store they are the same rule.
  'usage-based-routing': usageBasedRoutingV2,
  'usage-based-routing-v2': usageBasedRoutingV2,
  'cost-based-routing': costBasedRouting,
};

/**
 * The strategy a `routing_strategy` name stands for. Checks the `routing_strategy_args` that
 * strategy reads, and throws a `ConfigError` listing every bad one (keys it does not read are ignored).
 */
export function strategyFor(name: RoutingStrategyName, args: Readonly<Record<string, unknown>> = {}): RoutingStrategy {
  const issues: ConfigIssue[] = [];
  if (name === 'latency-based-routing') latencyRoutingArgs(args, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  return strategies[name];
}
