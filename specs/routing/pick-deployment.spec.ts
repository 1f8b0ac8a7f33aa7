import { map, merge, mergeMap, throwError, timer } from 'rxjs';
import { RateLimitError } from '../../src/errors/error-classes.js';
import { describe, expect, it } from 'vitest';
import { Router } from '../../src/router/router.js';
import {
  answeredBy,
  chunk,
  completion,
  createTestScheduler,
  deployment,
  errorAsValue,
  providerBy,
  request,
  routerFor,
} from './router-fixture.js';

const noDeployments = (retryAfter: number) => ({ name: 'NoDeploymentsAvailableError', code: 'no_deployments_available', status: 429, retryAfter });
const upstream429 = { name: 'RateLimitError', code: 'rate_limit_exceeded', status: 429, retryAfter: undefined };
const maxParallel = { name: 'RateLimitError', code: 'max_parallel_requests_exceeded', status: 429, retryAfter: 1 };

describe('pickDeployment: every deployment cooling', () => {
  it('the call that cools the last one gets the upstream error; later calls get NoDeploymentsAvailableError with retryAfter = seconds to the soonest end', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ expectObservable }) => {
      const router = routerFor(testScheduler, {
        model_list: [
          deployment('g', 'a', { mock_response: 'litellm.RateLimitError', cooldown_time: 10 }),
          deployment('g', 'b', { mock_response: 'litellm.RateLimitError', cooldown_time: 3 }),
        ],
      });
      const at = (time: number) => timer(time).pipe(mergeMap(() => router.completion$(request('g')).pipe(map(String), errorAsValue())));
      // 0: a fails (cooled to 10 s), the retry goes to b, which fails too (cooled to 3 s): b's upstream 429.
      expectObservable(at(0)).toBe('              (e|)', { e: upstream429 });
      expectObservable(at(1_000)).toBe('1s       (e|)', { e: noDeployments(2) });
      expectObservable(at(2_500)).toBe('2500ms   (e|)', { e: noDeployments(0.5) });
      // At 3 s b is half-open: its probe fails again, so the call gets its upstream error, and b cools
      // for twice its 3 s (DESIGN §12), until 9 s: a (until 10 s) is no longer the later one.
      expectObservable(at(3_000)).toBe('3s       (e|)', { e: upstream429 });
      expectObservable(at(3_001)).toBe('3001ms   (e|)', { e: noDeployments(5.999) });
    });
  });
});

describe('pickDeployment: the NoDeploymentsAvailableError message', () => {
  it('says why every deployment is cooling, so a bad key is not hidden behind a 429', async () => {
    const router = new Router({
      model_list: [deployment('g', 'only', { mock_response: 'litellm.AuthenticationError' })],
    });
    await expect(router.completion(request('g'))).rejects.toMatchObject({ status: 401 });
    await expect(router.completion(request('g'))).rejects.toMatchObject({
      status: 429,
      code: 'no_deployments_available',
      message: expect.stringContaining('only after invalid_api_key'),
    });
    await router.close();
  });
});

describe('pickDeployment: max_parallel_requests (fail fast with 429, no queue)', () => {
  it('a full deployment is skipped; when all are full the call fails at once with max_parallel_requests_exceeded', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const router = routerFor(
        testScheduler,
        { model_list: [deployment('g', 'a', { max_parallel_requests: 1 }), deployment('g', 'b', { max_parallel_requests: 1 })] },
        { provider: providerBy(Object.fromEntries(['a', 'b'].map((id) => [id, () => cold('-x 9ms |', { x: chunk('hi', id) })]))) },
      );
      const stream = () => router.completion$(request('g', { stream: true })).pipe(answeredBy(), errorAsValue());

      expectObservable(stream(), ' ^').toBe('           -a 9ms |');
      expectObservable(stream(), ' --^').toBe('         ---b 9ms |');
      // Both hold their slot until their stream ENDS (11 ms and 13 ms), not until their first chunk.
      expectObservable(stream(), ' ----^').toBe('       ----(e|)', { e: maxParallel });
      expectObservable(stream(), ' ----------^').toBe(' ----------(e|)', { e: maxParallel });
      // a's stream ended at 11 ms: its slot is free again.
      expectObservable(stream(), ' ------------^').toBe('-------------a 9ms |');
    });
  });

  it('a caller that unsubscribes frees its slot at once', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const router = routerFor(
        testScheduler,
        { model_list: [deployment('g', 'a', { max_parallel_requests: 1 })] },
        { provider: providerBy({ a: () => cold('-x 99ms |', { x: chunk('hi', 'a') }) }) },
      );
      const stream = () => router.completion$(request('g', { stream: true })).pipe(answeredBy(), errorAsValue());

      expectObservable(stream(), '^---!').toBe('    -a--');
      expectObservable(stream(), '--^').toBe('     --(e|)', { e: maxParallel });
      expectObservable(stream(), '----^').toBe('   -----a 99ms |');
    });
  });

  it('a non-streaming call holds its slot until it answers', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const router = routerFor(
        testScheduler,
        { model_list: [deployment('g', 'a', { max_parallel_requests: 2 })] },
        { provider: providerBy({ a: () => cold('5ms (x|)', { x: completion('hi', 'a') }) }) },
      );
      const call = (at: number) => timer(at).pipe(mergeMap(() => router.completion$(request('g')).pipe(answeredBy(), errorAsValue())));
      expectObservable(merge(call(0), call(1))).toBe('5ms a (a|)');
      expectObservable(call(2)).toBe('2ms (e|)', { e: maxParallel });
      expectObservable(call(6)).toBe('11ms (a|)');
    });
  });
});

describe('pickDeployment: order', () => {
  it('sends calls to the lowest order; the next order takes over while it is cooling', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      let callsToPrimary = 0;
      const router = routerFor(
        testScheduler,
        { model_list: [deployment('g', 'backup', { order: 2 }), deployment('g', 'primary', { order: 1, cooldown_time: 1 })] },
        {
          provider: providerBy({
            // The primary's second call is rate limited: it cools for 1 s, and the retry goes to the backup.
            primary: () =>
              ++callsToPrimary === 2 ? throwError(() => new RateLimitError('slow down')) : cold('(x|)', { x: completion('hi', 'primary') }),
            backup: () => cold('(x|)', { x: completion('hi', 'backup') }),
          }),
        },
      );
      const call = (at: number) => timer(at).pipe(mergeMap(() => router.completion$(request('g')).pipe(answeredBy())));
      expectObservable(merge(call(0), call(10), call(500), call(1_010))).toBe('p 9ms b 489ms b 509ms (p|)', { p: 'primary', b: 'backup' });
    });
  });

  it('the next order takes over while the lowest is cooling, full, or over its rpm', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const router = routerFor(
        testScheduler,
        {
          routing_strategy: 'usage-based-routing-v2',
          model_list: [
            deployment('g', 'backup', { order: 2 }),
            deployment('g', 'primary', { order: 1, rpm: 2, max_parallel_requests: 1 }),
          ],
        },
        {
          provider: providerBy({
            primary: () => cold('5ms (x|)', { x: completion('hi', 'primary') }),
            backup: () => cold('5ms (x|)', { x: completion('hi', 'backup') }),
          }),
        },
      );
      const call = (at: number) => timer(at).pipe(mergeMap(() => router.completion$(request('g')).pipe(answeredBy())));
      // 0: primary · 1: primary is full (max_parallel_requests 1) → backup · 10: primary (2nd request this
      // minute) · 20: primary is at its rpm (2) → backup · 60 s: a new minute, primary again.
      expectObservable(merge(call(0), call(1), call(10), call(20), call(60_000))).toBe(
        '5ms p b 8ms p 9ms b 59979ms (p|)',
        { p: 'primary', b: 'backup' },
      );
    });
  });
});
