import { merge, mergeMap, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { strategyFor } from '../../src/routing/strategy-for.js';
import { usageBasedRoutingV2 } from '../../src/routing/usage-based-routing-v2.js';
import {
  answeredBy,
  completion,
  createTestScheduler,
  deployment,
  errorAsValue,
  fakeContext,
  fakeDeployment,
  fakeState,
  providerBy,
  request,
  routerFor,
} from './router-fixture.js';

const usage = (requests: number, tokens: number, minute = 0) => ({ usage: { minute, requests, tokens } });

describe('usageBasedRoutingV2', () => {
  it('picks the deployment that used the fewest tokens this minute, then the fewest requests', () => {
    const candidates = [fakeDeployment('a'), fakeDeployment('b'), fakeDeployment('c')];
    const snapshots = [fakeState('a', usage(1, 500)), fakeState('b', usage(9, 100)), fakeState('c', usage(2, 100))];
    expect(usageBasedRoutingV2(candidates, snapshots, fakeContext(), () => 0)?.id).toBe('c');
  });

  it('skips a deployment this request would take over its rpm', () => {
    const candidates = [fakeDeployment('a', { rpm: 3 }), fakeDeployment('b')];
    const snapshots = [fakeState('a', usage(3, 0)), fakeState('b', usage(0, 1_000))];
    expect(usageBasedRoutingV2(candidates, snapshots, fakeContext(), () => 0)?.id).toBe('b');
    const underLimit = [fakeState('a', usage(2, 0)), fakeState('b', usage(0, 1_000))];
    expect(usageBasedRoutingV2(candidates, underLimit, fakeContext(), () => 0)?.id).toBe('a');
  });

  it("skips a deployment whose tokens this minute plus the prompt's estimate exceed its tpm", () => {
    const candidates = [fakeDeployment('a', { tpm: 1_000 }), fakeDeployment('b')];
    const snapshots = [fakeState('a', usage(1, 900)), fakeState('b', usage(1, 950))];
    expect(usageBasedRoutingV2(candidates, snapshots, fakeContext({ estimatedTokens: 100 }), () => 0)?.id).toBe('a');
    expect(usageBasedRoutingV2(candidates, snapshots, fakeContext({ estimatedTokens: 101 }), () => 0)?.id).toBe('b');
  });

  it('counts only the current minute: last minute\'s usage is forgotten', () => {
    const candidates = [fakeDeployment('a', { rpm: 1 }), fakeDeployment('b', { rpm: 1 })];
    const snapshots = [fakeState('a', usage(1, 10, 0)), fakeState('b', usage(1, 10, 0))];
    expect(usageBasedRoutingV2(candidates, snapshots, fakeContext({ now: 59_999 }), () => 0)).toBeUndefined();
    expect(usageBasedRoutingV2(candidates, snapshots, fakeContext({ now: 60_000 }), () => 0)?.id).toBe('a');
  });

  it('returns undefined when every deployment is at its limit', () => {
    const candidates = [fakeDeployment('a', { rpm: 1 }), fakeDeployment('b', { tpm: 10 })];
    const snapshots = [fakeState('a', usage(1, 0)), fakeState('b', usage(0, 10))];
    expect(usageBasedRoutingV2(candidates, snapshots, fakeContext({ estimatedTokens: 1 }), () => 0)).toBeUndefined();
  });

  it('breaks ties at random', () => {
    const candidates = [fakeDeployment('a'), fakeDeployment('b')];
    const snapshots = [fakeState('a'), fakeState('b')];
    expect(usageBasedRoutingV2(candidates, snapshots, fakeContext(), () => 0)?.id).toBe('a');
    expect(usageBasedRoutingV2(candidates, snapshots, fakeContext(), () => 0.99)?.id).toBe('b');
  });

  it('is what usage-based-routing and usage-based-routing-v2 stand for', () => {
    expect(strategyFor('usage-based-routing')).toBe(usageBasedRoutingV2);
    expect(strategyFor('usage-based-routing-v2')).toBe(usageBasedRoutingV2);
  });

  it('an rpm limit diverts the next request', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      // a is cheap to use (2 tokens a call) but allows 1 request a minute; b has no limit and uses 1000 tokens a call.
      const router = routerFor(
        testScheduler,
        { routing_strategy: 'usage-based-routing-v2', model_list: [deployment('g', 'a', { rpm: 1 }), deployment('g', 'b')] },
        {
          random: () => 0.99, // the first call's tie (both unused) goes to the last: b
          provider: providerBy({
            a: () => cold('(x|)', { x: completion('hi', 'a', 1, 1) }),
            b: () => cold('(x|)', { x: completion('hi', 'b', 500, 500) }),
          }),
        },
      );
      const at = (time: number) => timer(time).pipe(mergeMap(() => router.completion$(request('g')).pipe(answeredBy())));
      // 0: b (tie) · 10: a (0 tokens < 1000) · 20: a has used fewer tokens (2 < 1000) but is at its rpm → b.
      expectObservable(merge(at(0), at(10), at(20))).toBe('b 9ms a 9ms (b|)');
    });
  });

  it('fails at once with a 429 RateLimitError when every deployment is at its limit, until the minute ends', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const router = routerFor(
        testScheduler,
        { routing_strategy: 'usage-based-routing-v2', model_list: [deployment('g', 'a', { rpm: 1 }), deployment('g', 'b', { rpm: 1 })] },
        { provider: providerBy(Object.fromEntries(['a', 'b'].map((id) => [id, () => cold('(x|)', { x: completion('hi', id) })]))) },
      );
      const at = (time: number) => timer(time).pipe(mergeMap(() => router.completion$(request('g')).pipe(answeredBy(), errorAsValue())));
      const limited = { name: 'RateLimitError', code: 'rate_limit_exceeded', status: 429, retryAfter: 59.98 };
      expectObservable(merge(at(0), at(10))).toBe('a 9ms (b|)');
      expectObservable(at(20)).toBe('20ms (e|)', { e: limited });
      expectObservable(at(60_000)).toBe('60s (a|)');
    });
  });
});
