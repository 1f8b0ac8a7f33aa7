import { take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { APIConnectionError } from '../../src/errors/error-classes.js';
import { errorFromStatus } from '../../src/errors/error-from-status.js';
import type { DeploymentState } from '../../src/deployments/deployment-state.js';
import type { ChatCompletion, ChatCompletionChunk } from '../../src/protocol/chat.js';
import { Router } from '../../src/router/router.js';
import type { RouterEvent } from '../../src/router/router-events.js';
import { createTestScheduler, errorShape } from '../support/marbles.js';
import { completions, deployment, first, messages, type Output, scriptedProvider } from './support.js';

// Shrunk counterexamples of the property specs (call-properties, health-properties), one per
// defect they found, kept as examples named after the behaviour they pin.

function stateOf(router: Router, id: string): DeploymentState {
  let state: DeploymentState | undefined;
  router.deploymentState$(id).pipe(take(1)).subscribe((value) => (state = value));
  if (state === undefined) throw new Error(`no state for ${id}`);
  return state;
}

/** The promise's outcome once every microtask has run (a promise settled in virtual time is settled by then). */
async function settled<T>(promise: Promise<T>): Promise<PromiseSettledResult<T> | 'pending'> {
  let outcome: PromiseSettledResult<T> | 'pending' = 'pending';
  promise.then(
    (value) => (outcome = { status: 'fulfilled', value }),
    (reason: unknown) => (outcome = { status: 'rejected', reason }),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return outcome;
}

describe('Router regressions found by the property specs', () => {
  it('records an answer read through completion() as a success of its deployment, not a cancellation', async () => {
    const testScheduler = createTestScheduler();
    let router: Router | undefined;
    let answer: Promise<ChatCompletion> | undefined;
    testScheduler.run(({ cold }) => {
      // The completion and the end of the response in one frame: firstValueFrom leaves at the value.
      const { provider } = scriptedProvider({ d1: [cold<Output>('-(x|)', completions)] });
      router = new Router({ model_list: [deployment('g', 'd1')] }, { random: first, provider });
      answer = router.completion({ model: 'g', messages });
    });
    if (router === undefined || answer === undefined) throw new Error('not run');
    expect(await answer).toEqual(completions.x);
    expect(stateOf(router, 'd1').totals).toEqual({ started: 1, succeeded: 1, failed: 0, cancelled: 0 });
  });

  it('retries an upstream 409 (ConflictError, status kept) on the group’s other deployment', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const conflict = cold<Output>('-#', undefined, errorFromStatus(409, 'conflict upstream'));
      const sibling = cold<Output>('-(x|)', completions);
      const { provider } = scriptedProvider({ d1: [conflict], d2: [sibling] });
      const router = new Router({ model_list: [deployment('g', 'd1'), deployment('g', 'd2')] }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages })).toBe('--(x|)', completions);
      expectSubscriptions(sibling.subscriptions).toBe('-^!');
    });
    expect(errorShape(errorFromStatus(409, 'conflict upstream'))).toEqual({ name: 'ConflictError', code: 'conflict', status: 409 });
  });

  it('ends a non-streaming call at its completion even when the upstream completes later: no attempt_timeout after the answer', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // The answer at 1 ms, the end of the response at 10 ms, past the 5 ms cap on the attempt.
      const late = cold<Output>('-x--------|', completions);
      const { provider } = scriptedProvider({ d1: [late] });
      const router = new Router({ model_list: [deployment('g', 'd1', { timeout: 0.005 })], timeout: 0.012 }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages })).toBe('-(x|)', completions);
      expectSubscriptions(late.subscriptions).toBe('^!');
    });
  });

  it('fails an upstream that completes without an answer with APIConnectionError empty_response, never an EmptyError', async () => {
    const testScheduler = createTestScheduler();
    let answer: Promise<ChatCompletion> | undefined;
    testScheduler.run(({ cold }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-|')] });
      const router = new Router({ model_list: [deployment('g', 'd1')], num_retries: 0 }, { random: first, provider });
      answer = router.completion({ model: 'g', messages });
    });
    if (answer === undefined) throw new Error('not run');
    const error = await answer.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(errorShape(error)).toEqual({ name: 'APIConnectionError', code: 'empty_response', status: 502 });
  });

  it('never cools a deployment for timeouts the requests chose: five mock_timeout calls with timeout 0.01', () => {
    const testScheduler = createTestScheduler();
    const events: RouterEvent[] = [];
    let router: Router | undefined;
    testScheduler.run(({ cold }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-(x|)', completions)], d2: [cold<Output>('-(x|)', completions)] });
      router = new Router({ model_list: [deployment('g', 'd1'), deployment('g', 'd2')] }, { random: first, provider });
      router.events$.subscribe((event) => events.push(event));
      for (let call = 0; call < 5; call += 1) {
        router.completion$({ model: 'g', messages, mock_timeout: true, timeout: 0.01 }).subscribe({ error: () => undefined });
      }
    });
    if (router === undefined) throw new Error('not run');
    const failures = events.filter((event) => event.type === 'attemptFailed');
    expect(failures.length).toBeGreaterThanOrEqual(5);
    expect(failures.every((event) => event.type === 'attemptFailed' && !event.counted)).toBe(true);
    expect(events.filter((event) => event.type === 'cooldownStarted')).toEqual([]);
    expect(stateOf(router, 'd1').health).toEqual([]);
  });

  it('never cools a deployment whose mock_timeout hang the router deadline cut, even with allowed_fails 0', () => {
    const testScheduler = createTestScheduler();
    const events: RouterEvent[] = [];
    testScheduler.run(({ cold }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('(x|)', completions)], d2: [cold<Output>('(x|)', completions)] });
      const router = new Router(
        { model_list: [deployment('g', 'd1'), deployment('g', 'd2')], allowed_fails: 0 },
        { random: first, provider },
      );
      router.events$.subscribe((event) => events.push(event));
      router.completion$({ model: 'g', messages, mock_timeout: true, num_retries: 0 }).subscribe({ error: () => undefined });
    });
    expect(events.filter((event) => event.type === 'attemptFailed')).toMatchObject([{ code: 'deadline_exceeded', counted: false }]);
    expect(events.filter((event) => event.type === 'cooldownStarted')).toEqual([]);
  });

  it('stream(): return() while a next() waits settles that next() as done', async () => {
    const testScheduler = createTestScheduler();
    let pending: Promise<IteratorResult<ChatCompletionChunk>> | undefined;
    let returned: Promise<IteratorResult<ChatCompletionChunk>> | undefined;
    testScheduler.run(({ cold }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-')] });
      const router = new Router({ model_list: [deployment('g', 'd1')] }, { random: first, provider });
      const iterator = router.stream({ model: 'g', messages });
      pending = iterator.next();
      testScheduler.schedule(() => {
        returned = iterator.return?.();
      }, 5);
    });
    if (pending === undefined || returned === undefined) throw new Error('not run');
    expect(await settled(pending)).toEqual({ status: 'fulfilled', value: { value: undefined, done: true } });
    expect(await returned).toEqual({ value: undefined, done: true });
  });
});
