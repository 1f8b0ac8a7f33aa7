// Every attempt ends in exactly one verdict on its deployment (succeeded, failed, or cancelled with no
// verdict), whichever API the caller used; only the deployment's own failures count (DESIGN §4, §6).
// Each `it` here is one of the defects issue 11 found from outside, kept as an example.
import { firstValueFrom, Observable, Subject, takeUntil, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { DeploymentState } from '../../src/deployments/deployment-state.js';
import { APIConnectionError, ConflictError, InternalServerError, UpstreamClientError } from '../../src/errors/error-classes.js';
import { RxllmError } from '../../src/errors/rxllm-error.js';
import { Router } from '../../src/router/router.js';
import type { RouterEvent } from '../../src/router/router-events.js';
import { createTestScheduler, timeoutErrorShape } from '../support/marbles.js';
import { chunks, completions, deployment, first, messages, type Output, scriptedProvider } from './support.js';

function stateOf(router: Router, id: string): DeploymentState {
  let state: DeploymentState | undefined;
  router.deploymentState$(id).subscribe((value) => (state = value)).unsubscribe();
  if (state === undefined) throw new Error(`no state for ${id}`);
  return state;
}

function recordEvents(router: Router): RouterEvent[] {
  const events: RouterEvent[] = [];
  router.events$.subscribe((event) => events.push(event));
  return events;
}

describe('Router: a success counts whichever API the caller used', () => {
  it('completion() records an answered call as succeeded, not cancelled, though firstValueFrom stops at the value', async () => {
    const testScheduler = createTestScheduler();
    let router: Router | undefined;
    let answer: Promise<unknown> | undefined;
    testScheduler.run(({ cold }) => {
      // The provider emits the completion, then completes a while later (as an HTTP body ends after it).
      const { provider } = scriptedProvider({ d1: [cold<Output>('-x---|', completions)] });
      router = new Router({ model_list: [deployment('g', 'd1')] }, { random: first, provider, scheduler: testScheduler });
      answer = router.completion({ model: 'g', messages });
    });
    await expect(answer).resolves.toMatchObject({ id: 'chatcmpl-x' });
    expect(stateOf(router as Router, 'd1').totals).toEqual({ started: 1, succeeded: 1, failed: 0, cancelled: 0 });
    expect(stateOf(router as Router, 'd1').latencies).toHaveLength(1);
  });

  it('100 successes through completion() keep 5 server errors under the failure ratio: no cooldown', async () => {
    const testScheduler = createTestScheduler();
    let router: Router | undefined;
    const answers: Promise<unknown>[] = [];
    testScheduler.run(({ cold }) => {
      const ok = cold<Output>('-x--|', completions);
      const down = cold<Output>('-#', undefined, new InternalServerError('down'));
      const { provider } = scriptedProvider({ d1: [...Array.from({ length: 100 }, () => ok), down] });
      router = new Router(
        { model_list: [deployment('g', 'd1'), deployment('g', 'd2', { mock_response: 'ok' })], num_retries: 0, routing_strategy: 'simple-shuffle' },
        { random: first, provider, scheduler: testScheduler },
      );
      for (let index = 0; index < 105; index++) answers.push(router.completion({ model: 'g', messages }).catch((error: unknown) => error));
    });
    const settled = await Promise.all(answers);
    expect(settled.filter((value) => value instanceof RxllmError)).toHaveLength(5);
    const state = stateOf(router as Router, 'd1');
    expect(state.totals).toMatchObject({ succeeded: 100, failed: 5, cancelled: 0 });
    expect(state.cooldownUntil).toBeUndefined();
  });
});

describe('Router: a non-streaming answer ends its attempt', () => {
  it("stops the attempt's cap when the completion arrives: a provider that completes later gets no 408 after its result", () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const lingering = cold<Output>('-x------|', completions);
      const { provider } = scriptedProvider({ d1: [lingering] });
      const router = new Router({ model_list: [deployment('g', 'd1', { timeout: 0.003 })] }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages })).toBe('-(x|)', completions);
      expectSubscriptions(lingering.subscriptions).toBe('^!');
    });
  });

  it('fails an attempt whose provider completes with no completion as a 502 empty_response, and retries it elsewhere', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const empty = cold<Output>('-|');
      const { provider } = scriptedProvider({ d1: [empty], d2: [cold<Output>('-x|', completions)] });
      const router = new Router({ model_list: [deployment('g', 'd1'), deployment('g', 'd2')] }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages })).toBe('--(x|)', completions);
    });
  });

  it('ends completion() with an RxllmError, never RxJS EmptyError, when no deployment answers anything', async () => {
    const testScheduler = createTestScheduler();
    let answer: Promise<unknown> | undefined;
    testScheduler.run(({ cold }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-|')] });
      const router = new Router({ model_list: [deployment('g', 'd1')], num_retries: 0 }, { random: first, provider, scheduler: testScheduler });
      answer = router.completion({ model: 'g', messages });
    });
    const error = await (answer as Promise<unknown>).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).toMatchObject({ status: 502, code: 'empty_response' });
  });
});

describe('Router: 4xx without a class of their own', () => {
  it('retries a 409 on another deployment', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({
        d1: [cold<Output>('-#', undefined, new ConflictError('busy', { status: 409 }))],
        d2: [cold<Output>('-x|', completions)],
      });
      const router = new Router({ model_list: [deployment('g', 'd1'), deployment('g', 'd2')] }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages })).toBe('--(x|)', completions);
    });
  });

  it('falls back on an unknown 4xx, and ends with its own status when nothing answers', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const gone = new UpstreamClientError('gone', { status: 410 });
      const { provider } = scriptedProvider({ a1: [cold<Output>('-#', undefined, gone)], b1: [cold<Output>('-#', undefined, gone)] });
      const router = new Router(
        { model_list: [deployment('a', 'a1'), deployment('b', 'b1')], num_retries: 0, fallbacks: [{ a: ['b'] }] },
        { random: first, provider },
      );

      expectObservable(router.completion$({ model: 'a', messages })).toBe('--#', undefined, {
        name: 'UpstreamClientError',
        code: 'upstream_client_error',
        status: 410,
      });
    });
  });
});

describe("Router: only the deployment's own failures count (DESIGN §6)", () => {
  it('five calls with mock_timeout and a 10 ms request timeout cool nothing', () => {
    const testScheduler = createTestScheduler();
    let router: Router | undefined;
    let events: RouterEvent[] = [];
    testScheduler.run(({ expectObservable }) => {
      router = new Router({ model_list: [deployment('g', 'd1'), deployment('g', 'd2')], num_retries: 0 }, { random: first });
      events = recordEvents(router);
      for (let index = 0; index < 5; index++) {
        expectObservable(router.completion$({ model: 'g', messages, mock_timeout: true, timeout: 0.01 })).toBe(
          '10ms #',
          undefined,
          timeoutErrorShape('deadline_exceeded'),
        );
      }
    });
    expect(events.filter((event) => event.type === 'cooldownStarted')).toEqual([]);
    expect(events.filter((event) => event.type === 'attemptFailed').map((event) => event.type === 'attemptFailed' && event.counted)).toEqual(
      [false, false, false, false, false],
    );
    const state = stateOf(router as Router, 'd1');
    expect(state.health).toEqual([]);
    expect(state.totals).toMatchObject({ started: 5, failed: 0, cancelled: 5 });
  });

  it('a request stream_timeout shorter than the configured one never counts; one as long or longer does', () => {
    const testScheduler = createTestScheduler();
    let events: RouterEvent[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      const slow = cold<Output>('------a|', chunks);
      const { provider } = scriptedProvider({ d1: [slow] });
      const router = new Router({ model_list: [deployment('g', 'd1', { stream_timeout: 0.004 })], num_retries: 0 }, { random: first, provider });
      events = recordEvents(router);
      const request = { model: 'g', messages, stream: true } as const;
      expectObservable(router.completion$({ ...request, stream_timeout: 0.002 })).toBe('--#', undefined, timeoutErrorShape('first_chunk_timeout'));
      expectObservable(router.completion$({ ...request, stream_timeout: 0.005 })).toBe('-----#', undefined, timeoutErrorShape('first_chunk_timeout'));
      expectObservable(router.completion$(request)).toBe('----#', undefined, timeoutErrorShape('first_chunk_timeout'));
    });
    const counted = events.flatMap((event) => (event.type === 'attemptFailed' ? [[event.latencyMs, event.counted]] : []));
    expect(counted).toEqual([
      [2, false],
      [4, true],
      [5, true],
    ]);
  });

  it("a request's shorter deadline never counts; the router's own deadline does", () => {
    const testScheduler = createTestScheduler();
    let events: RouterEvent[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      const hang = cold<Output>('-');
      const { provider } = scriptedProvider({ d1: [hang] });
      const router = new Router({ model_list: [deployment('g', 'd1')], timeout: 0.005, num_retries: 0 }, { random: first, provider });
      events = recordEvents(router);
      expectObservable(router.completion$({ model: 'g', messages, timeout: 0.002 })).toBe('--#', undefined, timeoutErrorShape('deadline_exceeded'));
      expectObservable(router.completion$({ model: 'g', messages })).toBe('-----#', undefined, timeoutErrorShape('deadline_exceeded'));
    });
    expect(events.flatMap((event) => (event.type === 'attemptFailed' ? [event.counted] : []))).toEqual([false, true]);
  });

  it('an unsubscribed call cancels its attempt: no failure, no window entry', () => {
    const testScheduler = createTestScheduler();
    let router: Router | undefined;
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-')] });
      router = new Router({ model_list: [deployment('g', 'd1')] }, { random: first, provider });
      const call$: Observable<Output> = router.completion$({ model: 'g', messages }).pipe(takeUntil(timer(3)));
      expectObservable(call$).toBe('---|');
    });
    const state = stateOf(router as Router, 'd1');
    expect(state.totals).toEqual({ started: 1, succeeded: 0, failed: 0, cancelled: 1 });
    expect(state.health).toEqual([]);
  });
});

describe('Router.stream(): return() while a next() is pending', () => {
  it('settles the pending next() as done and aborts the call', async () => {
    let unsubscribed = false;
    const { provider } = scriptedProvider({
      d1: [
        new Observable<Output>(() => () => {
          unsubscribed = true;
        }),
      ],
    });
    const router = new Router({ model_list: [deployment('g', 'd1')] }, { random: first, provider });
    const iterator = router.stream({ model: 'g', messages });
    const pending = iterator.next();
    await expect(iterator.return?.()).resolves.toEqual({ value: undefined, done: true });
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
    expect(unsubscribed).toBe(true);
    await router.close();
  });
});

describe('Router.completion() with a signal', () => {
  it('still rejects with the signal reason when aborted mid-call', async () => {
    const { provider } = scriptedProvider({ d1: [new Subject<Output>()] });
    const router = new Router({ model_list: [deployment('g', 'd1')] }, { random: first, provider });
    const controller = new AbortController();
    const answer = router.completion({ model: 'g', messages }, { signal: controller.signal });
    controller.abort(new Error('caller gave up'));
    await expect(answer).rejects.toThrow('caller gave up');
    expect(stateOf(router, 'd1').totals).toMatchObject({ cancelled: 1, failed: 0 });
    await expect(firstValueFrom(router.deploymentState$('d1'))).resolves.toMatchObject({ inFlight: 0 });
    await router.close();
  });
});
