import { filter, map, merge, mergeMap, type Observable, throwError, timer } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../src/config/router-config-schema.js';
import { ConflictError, InternalServerError, RateLimitError } from '../../src/errors/error-classes.js';
import type { ChatCompletion, ChatCompletionChunk } from '../../src/protocol/chat.js';
import type { Router } from '../../src/router/router.js';
import type { RouterEvent } from '../../src/router/router-events.js';
import {
  answeredBy,
  chunk,
  completion,
  createTestScheduler,
  deployment,
  describeEvent,
  errorAsValue,
  providerBy,
  request,
  routerFor,
} from '../routing/router-fixture.js';

// DESIGN §12, a real Router in virtual time. `random` is 0, so simple-shuffle picks the first
// deployment it may: `a` whenever routing admits it, else `b`, which always answers at once.

type Answer = () => Observable<ChatCompletion | ChatCompletionChunk>;

/** `a` answers with `script`'s next entry (its last one from then on); `b` with a completion at once. */
function routerWith(testScheduler: TestScheduler, config: Omit<RouterConfig, 'model_list'>, script: readonly Answer[]): Router {
  let calls = 0;
  return routerFor(
    testScheduler,
    { num_retries: 1, cooldown_time: 1, ...config, model_list: [deployment('g', 'a'), deployment('g', 'b')] },
    {
      provider: providerBy({
        a: () => (script[Math.min(calls++, script.length - 1)] as Answer)(),
        b: () => testScheduler.createColdObservable('(x|)', { x: completion('hi', 'b') }),
      }),
    },
  );
}

const rateLimited: Answer = () => throwError(() => new RateLimitError('slow down'));
const serverError: Answer = () => throwError(() => new InternalServerError('down'));

/** Non-streaming calls at the given times, each as the deployment that answered it (or its error). */
function callsAt(router: Router, times: readonly number[]) {
  return merge(...times.map((at) => timer(at).pipe(mergeMap(() => router.completion$(request('g')).pipe(answeredBy(), errorAsValue())))));
}

/** The router's cooldown and probe events, as `describeEvent` lines. */
function healthEvents(router: Router): Observable<string> {
  return router.events$.pipe(
    filter((event: RouterEvent) => event.type.startsWith('probe') || event.type.startsWith('cooldown')),
    map(describeEvent),
  );
}

describe('half-open recovery (DESIGN §12, virtual time)', () => {
  it('probes admitted one at a time: after cooldown_time the deployment takes exactly one call, the others go to b until it succeeds', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      // 0: a 429 cools a for 1 s (the retry answers from b). 1 s on: a's probe takes 50 ms, and succeeds.
      const router = routerWith(testScheduler, {}, [rateLimited, () => cold('50ms (x|)', { x: completion('hi', 'a') })]);
      expectObservable(healthEvents(router), '^ 1100ms !').toBe('s 999ms (ep) 46ms o', {
        s: 'cooldownStarted a until 1000',
        e: 'cooldownEnded a',
        p: 'probeStarted a 1',
        o: 'probeSucceeded a',
      });
      // 1000: the probe; 1001, 1020: a's one slot is taken, so b; 1050: a answers; 1051, 1052: full traffic, both on a.
      expectObservable(callsAt(router, [0, 1_000, 1_001, 1_020, 1_051, 1_052])).toBe('b 1000ms b 18ms b 29ms a 50ms a (a|)');
    });
  });

  it('a failed probe cools a again at once, for 2x, then 4x the cooldown that ended, then max_cooldown_time', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ expectObservable }) => {
      // a's every call fails: its first 429 cools it for 1 s, each failed probe (a 500: one is enough) for twice as long, up to 5 s.
      const router = routerWith(testScheduler, { max_cooldown_time: 5 }, [rateLimited, serverError]);
      const failures$ = router.events$.pipe(
        filter((event) => event.type === 'probeFailed'),
        map((event) => (event.type === 'probeFailed' ? `${event.code} ${event.cooldownMs} until ${event.until}` : '')),
      );
      // Probes at 1 s, 3 s, 7 s, 12 s, 17 s: cooled for 2 s, 4 s, 5 s (not 8), 5 s.
      expectObservable(failures$, '^ 18s !').toBe('1s a 1999ms b 3999ms c 4999ms d 4999ms e', {
        a: 'internal_server_error 2000 until 3000',
        b: 'internal_server_error 4000 until 7000',
        c: 'internal_server_error 5000 until 12000',
        d: 'internal_server_error 5000 until 17000',
        e: 'internal_server_error 5000 until 22000',
      });
      // A call every 250 ms: each probe's caller gets b's answer from its retry; every other call goes to b.
      const times = Array.from({ length: 72 }, (_, index) => index * 250);
      const answers: string[] = [];
      callsAt(router, times).subscribe((answer) => answers.push(String(answer)));
      testScheduler.schedule(() => expect(new Set(answers)).toEqual(new Set(['b'])), 18_000);
    });
  });

  it('a successful probe restores full traffic and starts the doubling over', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const ok: () => Observable<ChatCompletion> = () => cold('(x|)', { x: completion('hi', 'a') });
      // 429, then a failed probe (2 s), then a probe that succeeds, then a 429 again: cooled 1 s, as at first.
      const router = routerWith(testScheduler, {}, [rateLimited, serverError, ok, ok, rateLimited, serverError, ok]);
      const cooldowns$ = router.events$.pipe(
        filter((event) => event.type === 'cooldownStarted' || event.type === 'probeSucceeded'),
        map((event) => (event.type === 'cooldownStarted' ? `${event.until - event.at}` : 'closed')),
      );
      expectObservable(cooldowns$, '^ 8s !').toBe('a 999ms b 1999ms c 999ms a 999ms b', { a: '1000', b: '2000', c: 'closed' });
      // 3000: the probe answers, and 3001 goes to a too (closed). 4000: a 429, cooled 1 s; 5000: its probe fails, cooled 2 s (not 8 s).
      expectObservable(callsAt(router, [0, 1_000, 3_000, 3_001, 4_000, 5_000])).toBe('b 999ms b 1999ms a a 998ms b 999ms (b|)');
    });
  });

  it('a probe whose caller leaves frees its slot without a verdict: the next call probes again', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const slow = () => cold('100ms x 10ms |', { x: chunk('hi', 'a') });
      const router = routerWith(testScheduler, {}, [rateLimited, slow]);
      const stream = () => router.completion$(request('g', { stream: true })).pipe(answeredBy(), errorAsValue());
      expectObservable(healthEvents(router), '^ 1200ms !').toBe('s 999ms (ep) 16ms q 110ms o', {
        s: 'cooldownStarted a until 1000',
        e: 'cooldownEnded a',
        p: 'probeStarted a 1',
        q: 'probeStarted a 1',
        o: 'probeSucceeded a',
      });
      expectObservable(stream(), '^').toBe('(b|)');
      // 1000: the probe, abandoned at 1010; 1005: a's slot is taken, so b; 1020: the slot is free, a probe again.
      expectObservable(stream(), '1000ms ^ 9ms !').toBe('-');
      expectObservable(stream(), '1005ms ^').toBe('1005ms (b|)');
      expectObservable(stream(), '1020ms ^').toBe('1020ms 100ms a 10ms |');
    });
  });

  it('cooldown_probe_requests: 2 admits two probes at once', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const router = routerWith(testScheduler, { cooldown_probe_requests: 2 }, [rateLimited, () => cold('50ms (x|)', { x: completion('hi', 'a') })]);
      expectObservable(callsAt(router, [0, 1_000, 1_001, 1_002])).toBe('b 1001ms b 47ms a (a|)');
      expectObservable(router.events$.pipe(filter((event) => event.type === 'probeStarted'), map(describeEvent)), '^ 1100ms !').toBe(
        '1000ms a b',
        { a: 'probeStarted a 1', b: 'probeStarted a 2' },
      );
    });
  });

  it("cooldown_probe_requests: 0 lets all traffic back when the cooldown ends (LiteLLM's behaviour)", () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const router = routerWith(testScheduler, { cooldown_probe_requests: 0 }, [rateLimited, () => cold('50ms (x|)', { x: completion('hi', 'a') })]);
      // 1000, 1001, 1020: all on a at once, while the first of them is still in flight.
      expectObservable(callsAt(router, [0, 1_000, 1_001, 1_020])).toBe('b 1049ms a a 18ms (a|)');
      expectObservable(router.events$.pipe(filter((event) => event.type.startsWith('probe'))), '^ 2s !').toBe('');
    });
  });

  it('cooldown_probe_requests: 0 never doubles: a failure after the cooldown cools for cooldown_time again', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ expectObservable }) => {
      const router = routerWith(testScheduler, { cooldown_probe_requests: 0 }, [rateLimited]);
      const lengths$ = router.events$.pipe(
        filter((event) => event.type === 'cooldownStarted'),
        map((event) => (event.type === 'cooldownStarted' ? event.until - event.at : 0)),
      );
      expectObservable(lengths$, '^ 3s !').toBe('x 999ms x 999ms x', { x: 1_000 });
      callsAt(router, [0, 1_000, 2_000]).subscribe();
    });
  });

  it('while every deployment is cooling or being probed, calls get no_deployments_available with retryAfter at most 1 s, saying why', () => {
    const testScheduler = createTestScheduler();
    let message = '';
    testScheduler.run(({ cold, expectObservable }) => {
      let bCalls = 0;
      const router = routerFor(
        testScheduler,
        { num_retries: 1, model_list: [deployment('g', 'a', { cooldown_time: 1 }), deployment('g', 'b', { cooldown_time: 3 })] },
        {
          provider: providerBy({
            a: () => (testScheduler.now() === 0 ? throwError(() => new RateLimitError('slow down')) : cold('2s (x|)', { x: completion('hi', 'a') })),
            b: () => (bCalls++ === 0 ? throwError(() => new RateLimitError('slow down')) : cold('(x|)', { x: completion('hi', 'b') })),
          }),
        },
      );
      const noDeployments = (retryAfter: number) => ({ name: 'NoDeploymentsAvailableError', code: 'no_deployments_available', status: 429, retryAfter });
      const upstream429 = { name: 'RateLimitError', code: 'rate_limit_exceeded', status: 429, retryAfter: undefined };
      // 0: both cool (a until 1 s, b until 3 s). 1000: a's probe (2 s). 1100: a is being probed and b cools
      // 1.9 s more: come back in 1 s. 2700: b's 0.3 s left are sooner. 3000: a's probe answers.
      expectObservable(callsAt(router, [0, 1_000, 1_100, 2_700])).toBe('e 1099ms f 1599ms g 299ms (a|)', {
        e: upstream429,
        f: noDeployments(1),
        g: noDeployments(0.3),
        a: 'a',
      });
      testScheduler.schedule(() => router.completion$(request('g')).subscribe({ error: (error: Error) => (message = error.message) }), 1_100);
    });
    expect(message).toBe('no deployments available for model group "g": all 2 are cooling down or being probed (a being probed, b after rate_limit_exceeded)');
  });
  it('a retry that waited out its backoff picks again: it never becomes a second probe of a deployment whose slot another call took meanwhile', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      // a: a 429 at 0 (cooled 1 s); at 1000 its probe gets a 409 after 10 ms (no verdict: the slot is
      // freed, a stays half-open) and that call's retry waits its backoff for a (b is cooling); at 1100
      // another call takes a's free slot, a probe answering in 5 s. The retry must not start a second one.
      let calls = 0;
      const script: Answer[] = [
        rateLimited,
        () => cold('10ms #', undefined, new ConflictError('busy')),
        () => cold('5s (x|)', { x: completion('hi', 'a') }),
      ];
      const router = routerFor(
        testScheduler,
        { num_retries: 2, cooldown_time: 1, model_list: [deployment('g', 'a'), deployment('g', 'b', { cooldown_time: 60 })] },
        {
          provider: providerBy({
            a: () => (script[Math.min(calls++, script.length - 1)] as Answer)(),
            b: () => throwError(() => new RateLimitError('slow down')),
          }),
        },
      );
      const probes$ = router.events$.pipe(
        filter((event) => event.type === 'probeStarted'),
        map((event) => (event.type === 'probeStarted' ? event.probesInFlight : -1)),
      );
      // Two probes, one at a time: the 1000 call's, and the 1100 call's; never two in flight.
      expectObservable(probes$, '^ 7s !').toBe('1000ms a 99ms a', { a: 1 });
      // The 1000 call ends with its 409 once the retry finds no deployment it may take; the 1100 call is a's answer.
      const answers: unknown[] = [];
      callsAt(router, [0, 1_000, 1_100]).subscribe((answer) => answers.push(typeof answer === 'string' ? answer : (answer as { status: unknown }).status));
      testScheduler.schedule(() => expect(answers).toEqual([429, 409, 'a']), 6_200);
    });
  });
});
