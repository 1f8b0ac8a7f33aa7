import { describe, expect, it } from 'vitest';
import { routingStrategies } from '../../src/config/router-config-schema.js';
import { ConfigError } from '../../src/errors/config-error.js';
import { Router } from '../../src/router/router.js';
import { costBasedRouting } from '../../src/routing/cost-based-routing.js';
import { latencyBasedRouting } from '../../src/routing/latency-based-routing.js';
import { leastBusy } from '../../src/routing/least-busy.js';
import { simpleShuffle } from '../../src/routing/simple-shuffle.js';
import { strategyFor } from '../../src/routing/strategy-for.js';
import { usageBasedRoutingV2 } from '../../src/routing/usage-based-routing-v2.js';
import { deployment } from './router-fixture.js';

describe('strategyFor', () => {
  it.each([
    ['simple-shuffle', simpleShuffle],
    ['least-busy', leastBusy],
    ['latency-based-routing', latencyBasedRouting],
    ['usage-based-routing', usageBasedRoutingV2],
    ['usage-based-routing-v2', usageBasedRoutingV2],
    ['cost-based-routing', costBasedRouting],
  ] as const)('%s is implemented', (name, strategy) => {
    expect(strategyFor(name)).toBe(strategy);
  });

  it('knows every routing_strategy the config accepts', () => {
    for (const name of routingStrategies) expect(typeof strategyFor(name)).toBe('function');
  });

  it('ignores routing_strategy_args the strategy does not read', () => {
    expect(strategyFor('least-busy', { ttl: -1 })).toBe(leastBusy);
  });

  it('a Router with bad routing_strategy_args fails at construction with a ConfigError', () => {
    const build = () =>
      new Router(
        { model_list: [deployment('g', 'a')], routing_strategy: 'latency-based-routing', routing_strategy_args: { ttl: -5 } },
        { env: {} },
      );
    expect(build).toThrow(ConfigError);
    expect(build).toThrow('routing_strategy_args.ttl: expected a positive number of seconds');
  });
});
