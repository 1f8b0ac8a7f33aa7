import { distinctUntilChanged, filter, map, noop } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { RouterEvent } from '../../src/router/router-events.js';
import { createTestScheduler, deployment, describeEvent, request, routerFor } from '../routing/router-fixture.js';

describe('cooldowns in virtual time', () => {
  it('a 429 cools a deployment and it comes back by itself when its cooldown_time is up', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ expectObservable, time }) => {
      const router = routerFor(testScheduler, {
        cooldown_time: 5,
        num_retries: 0,
        model_list: [deployment('g', 'a', { mock_response: 'litellm.RateLimitError' }), deployment('g', 'b', { mock_response: 'ok' })],
      });
      const callAt = time('-|');
      testScheduler.schedule(() => router.completion$(request('g')).subscribe({ error: noop }), callAt);

      const cooling$ = router.deploymentState$('a').pipe(
        map((state) => (state.cooldownUntil === undefined ? 'h' : 'c')),
        distinctUntilChanged(),
      );
      const cooldownEvents$ = router.events$.pipe(
        filter((event) => event.type === 'cooldownStarted' || event.type === 'cooldownEnded'),
        map(describeEvent),
      );
      // healthy at 0, cooling from the failed call at 1 ms, healthy again 5 s later.
      expectObservable(cooling$).toBe('         hc 4999ms h');
      expectObservable(cooldownEvents$).toBe(' -s 4999ms e', { s: 'cooldownStarted a until 5001', e: 'cooldownEnded a' });
    });
  });

  it('while a is cooling, calls go to b; after it ends, a takes calls again', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ expectObservable }) => {
      const router = routerFor(testScheduler, {
        cooldown_time: 1,
        num_retries: 0,
        model_list: [deployment('g', 'a', { mock_response: 'litellm.RateLimitError' }), deployment('g', 'b', { mock_response: 'ok' })],
      });
      // random() is 0: simple-shuffle picks the first healthy deployment.
      const started$ = router.events$.pipe(
        filter((event): event is Extract<RouterEvent, { type: 'attemptStarted' }> => event.type === 'attemptStarted'),
        map((event) => event.deployment),
      );
      expectObservable(started$).toBe('a 499ms b 498ms b a');
      for (const at of [0, 500, 999, 1_000]) testScheduler.schedule(() => router.completion$(request('g')).subscribe({ error: noop }), at);
    });
  });
});

describe('router.events$', () => {
  it('reports attempts, retries, fallbacks and cooldowns in the order they happen', () => {
    const testScheduler = createTestScheduler();
    const events: string[] = [];
    testScheduler.run(() => {
      const router = routerFor(testScheduler, {
        num_retries: 1,
        cooldown_time: 2,
        fallbacks: [{ primary: ['secondary'] }],
        model_list: [
          deployment('primary', 'p1', { mock_response: 'litellm.RateLimitError' }),
          deployment('primary', 'p2', { mock_response: 'litellm.InternalServerError' }),
          deployment('secondary', 's1', { mock_response: 'ok' }),
        ],
      });
      router.events$.subscribe((event) => events.push(`${event.at} ${describeEvent(event)}`));
      router.completion$(request('primary')).subscribe({ error: noop });
    });
    expect(events).toEqual([
      '0 callStarted primary',
      '0 attemptStarted p1',
      '0 attemptFailed p1 429',
      '0 cooldownStarted p1 until 2000',
      '0 retry primary #1',
      '0 attemptStarted p2',
      '0 attemptFailed p2 500', // one 500 of one call: not cooled
      '0 fallback primary>secondary',
      '0 attemptStarted s1',
      '0 attemptSucceeded s1',
      '0 callSucceeded s1',
      '2000 cooldownEnded p1',
    ]);
  });

  it('reports a call the caller leaves as cancelled, after its attempt', () => {
    const testScheduler = createTestScheduler();
    const events: string[] = [];
    testScheduler.run(() => {
      const router = routerFor(testScheduler, { timeout: 2, model_list: [deployment('g', 'a', { mock_timeout: true })] });
      router.events$.subscribe((event) => events.push(`${event.at} ${describeEvent(event)}`));
      const subscription = router.completion$(request('g')).subscribe({ error: noop });
      testScheduler.schedule(() => subscription.unsubscribe(), 500);
    });
    expect(events).toEqual(['0 callStarted g', '0 attemptStarted a', '500 attemptCancelled a', '500 callCancelled g']);
  });

  it('reports an attempt cut by the call deadline as failed with 408 deadline_exceeded', () => {
    const testScheduler = createTestScheduler();
    const events: string[] = [];
    testScheduler.run(() => {
      const router = routerFor(testScheduler, { timeout: 2, model_list: [deployment('g', 'a', { mock_timeout: true })] });
      router.events$.subscribe((event) => events.push(`${event.at} ${describeEvent(event)}`));
      router.completion$(request('g')).subscribe({ error: noop });
    });
    expect(events).toEqual(['0 callStarted g', '0 attemptStarted a', '2000 attemptFailed a 408', '2000 callFailed g 408']);
  });
});
