import { merge, mergeMap, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { LatencySample } from '../../src/deployments/deployment-state.js';
import { ConfigError } from '../../src/errors/config-error.js';
import { latencyBasedRouting } from '../../src/routing/latency-based-routing.js';
import { strategyFor } from '../../src/routing/strategy-for.js';
import {
  answeredBy,
  completion,
  createTestScheduler,
  deployment,
  fakeContext,
  fakeDeployment,
  fakeState,
  providerBy,
  request,
  routerFor,
} from './router-fixture.js';

function sample(fields: Partial<LatencySample>): LatencySample {
  return { at: 0, latencyMs: 1_000, ttftMs: undefined, msPerToken: 10, timedOut: false, ...fields };
}

const candidates = [fakeDeployment('a'), fakeDeployment('b'), fakeDeployment('c')];
const pick = (latencies: readonly (readonly LatencySample[])[], context = fakeContext(), random = () => 0) =>
  latencyBasedRouting(
    candidates,
    candidates.map((deployment, index) => fakeState(deployment.id, { latencies: latencies[index] ?? [] })),
    context,
    random,
  )?.id;

describe('latencyBasedRouting', () => {
  it('picks the lowest mean latency per output token for a non-streaming request', () => {
    const latencies = [[sample({ msPerToken: 30 })], [sample({ msPerToken: 10 }), sample({ msPerToken: 18 })], [sample({ msPerToken: 13 })]];
    // Means: a 30, b 14, c 13.
    expect(pick(latencies)).toBe('c');
  });

  it('compares time to first chunk for a streaming request', () => {
    // a streams its first chunk sooner, though its tokens come slower overall.
    const latencies = [[sample({ msPerToken: 50, ttftMs: 100 })], [sample({ msPerToken: 5, ttftMs: 800 })], [sample({ msPerToken: 9, ttftMs: 400 })]];
    expect(pick(latencies, fakeContext({ stream: true }))).toBe('a');
    expect(pick(latencies, fakeContext({ stream: false }))).toBe('b');
  });

  it('tries deployments with no sample first', () => {
    const latencies = [[sample({ msPerToken: 1 })], [], [sample({ msPerToken: 2 })]];
    expect(pick(latencies)).toBe('b');
  });

  it('treats a deployment with only non-streaming samples as unmeasured for streams', () => {
    const latencies = [[sample({ ttftMs: 50 })], [sample({ ttftMs: undefined, msPerToken: 1 })], [sample({ ttftMs: 40 })]];
    expect(pick(latencies, fakeContext({ stream: true }))).toBe('b');
  });

  it('counts a timed-out attempt as slow as its timeout (a penalty)', () => {
    // a: fast twice, then one 30 s timeout; b, c: steadily slower than a's good samples.
    const latencies = [
      [sample({ msPerToken: 5, ttftMs: 100 }), sample({ msPerToken: 5, ttftMs: 100 }), sample({ latencyMs: 30_000, msPerToken: 30_000, timedOut: true })],
      [sample({ msPerToken: 40, ttftMs: 400 })],
      [sample({ msPerToken: 45, ttftMs: 500 })],
    ];
    expect(pick(latencies)).toBe('b');
    expect(pick(latencies, fakeContext({ stream: true }))).toBe('b');
    // Without the timeout, a would win both.
    const healthy = [latencies[0]?.slice(0, 2) ?? [], ...latencies.slice(1)];
    expect(pick(healthy)).toBe('a');
    expect(pick(healthy, fakeContext({ stream: true }))).toBe('a');
  });

  it('ignores samples older than routing_strategy_args.ttl (seconds)', () => {
    const latencies = [[sample({ at: 0, msPerToken: 100 }), sample({ at: 50_000, msPerToken: 10 })], [sample({ at: 50_000, msPerToken: 20 })], [sample({ at: 50_000, msPerToken: 30 })]];
    const now = 60_000;
    // Within the default ttl (1 hour) a's old slow sample counts: mean 55 → b.
    expect(pick(latencies, fakeContext({ now }))).toBe('b');
    // With ttl 30 s it is forgotten: a's mean is 10.
    expect(pick(latencies, fakeContext({ now, args: { ttl: 30 } }))).toBe('a');
    // With ttl 5 s every sample is forgotten: all unmeasured again, random picks among all three.
    expect(pick(latencies, fakeContext({ now, args: { ttl: 5 } }), () => 0.99)).toBe('c');
  });

  it('picks at random among deployments within (1 + lowest_latency_buffer) × the lowest', () => {
    const latencies = [[sample({ msPerToken: 10 })], [sample({ msPerToken: 14 })], [sample({ msPerToken: 16 })]];
    const picks = (buffer: number) =>
      [0, 0.5, 0.99].map((value) => pick(latencies, fakeContext({ args: { lowest_latency_buffer: buffer } }), () => value));
    expect(picks(0)).toEqual(['a', 'a', 'a']);
    expect(picks(0.5)).toEqual(['a', 'b', 'b']);
    expect(picks(0.6)).toEqual(['a', 'b', 'c']);
  });

  it('rejects a bad ttl or lowest_latency_buffer when the router is built', () => {
    expect(() => strategyFor('latency-based-routing', { ttl: 0, lowest_latency_buffer: -1 })).toThrow(ConfigError);
    const thrown = (() => {
      try {
        strategyFor('latency-based-routing', { ttl: 'soon', lowest_latency_buffer: -1 });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).issues.map((issue) => issue.path)).toEqual([
      'routing_strategy_args.ttl',
      'routing_strategy_args.lowest_latency_buffer',
    ]);
    expect(strategyFor('latency-based-routing', { ttl: '300', lowest_latency_buffer: 0.1 })).toBe(latencyBasedRouting);
  });

  it('moves traffic away from a slow deployment', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const router = routerFor(
        testScheduler,
        { routing_strategy: 'latency-based-routing', model_list: [deployment('g', 'slow'), deployment('g', 'fast')] },
        {
          provider: providerBy({
            slow: () => cold('500ms (x|)', { x: completion('hi', 'slow', 10) }),
            fast: () => cold(' 10ms (x|)', { x: completion('hi', 'fast', 10) }),
          }),
        },
      );
      // One call a second. The first two measure each deployment once (unmeasured ones go first);
      // from then on slow (50 ms/token) loses to fast (1 ms/token).
      const calls = merge(...[0, 1_000, 2_000, 3_000].map((at) => timer(at).pipe(mergeMap(() => router.completion$(request('g'))))));
      expectObservable(calls.pipe(answeredBy())).toBe('500ms s 509ms f 999ms f 999ms (f|)', { s: 'slow', f: 'fast' });
    });
  });

  it('moves traffic away from a deployment that timed out', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      // a answers in 10 ms, then hangs past its 1 s timeout; b takes 100 ms. After a's timeout, b is preferred.
      let callsToA = 0;
      const router = routerFor(
        testScheduler,
        {
          routing_strategy: 'latency-based-routing',
          num_retries: 0,
          model_list: [deployment('g', 'a', { timeout: 1 }), deployment('g', 'b')],
        },
        {
          provider: providerBy({
            a: () => (++callsToA === 2 ? cold('-') : cold('10ms (x|)', { x: completion('hi', 'a', 10) })),
            b: () => cold('100ms (x|)', { x: completion('hi', 'b', 10) }),
          }),
        },
      );
      const at = (time: number) => timer(time).pipe(mergeMap(() => router.completion$(request('g')).pipe(answeredBy())));
      // 0: a (unmeasured, first) · 100: b (unmeasured) · 1000: a (1 ms/token beats 10) times out at 2000
      // · 3000: b, since a's mean is now (1 + 1000) / 2 ms/token.
      expectObservable(merge(at(0), at(100), at(3_000))).toBe('10ms a 189ms b 2899ms (b|)');
      expectObservable(at(1_000).pipe(mergeMap(() => [] as string[]))).toBe('2000ms #', undefined, expect.objectContaining({ code: 'attempt_timeout' }));
    });
  });
});
