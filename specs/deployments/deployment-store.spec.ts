import { distinctUntilChanged, filter, map, type SchedulerAction, type SchedulerLike } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { DeploymentMessage } from '../../src/deployments/deployment-message.js';
import { createInMemoryDeploymentStore, type DeploymentStore } from '../../src/deployments/deployment-store.js';
import { createDeploymentReducer } from '../../src/deployments/reduce-deployment.js';
import { createTestScheduler } from '../routing/router-fixture.js';

const rules = { sole: false, disabled: false, allowedFails: undefined, allowedFailsPolicy: undefined, probeRequests: 1, maxCooldownMs: 300_000 };

function rateLimited(cooldownMs: number): DeploymentMessage {
  return { type: 'attemptFailed', error: { kind: 'rate_limit', status: 429, code: 'rate_limit_exceeded' }, latencyMs: 1, cooldownMs };
}

function storeOn(scheduler: Parameters<typeof createInMemoryDeploymentStore>[1]): DeploymentStore {
  const reducer = createDeploymentReducer(rules);
  return createInMemoryDeploymentStore(
    [
      { id: 'a', group: 'g', reducer },
      { id: 'b', group: 'g', reducer },
    ],
    scheduler,
  );
}

function fail(store: DeploymentStore, id: string, cooldownMs: number): void {
  store.send(id, { type: 'attemptStarted' });
  store.send(id, rateLimited(cooldownMs));
}

describe('createInMemoryDeploymentStore', () => {
  it('ends a cooldown whose timer fires a millisecond before the clock reads its end (real timers do)', () => {
    const testScheduler = createTestScheduler();
    const ended: number[] = [];
    testScheduler.run(() => {
      // Node's timers run on a monotonic clock and the scheduler reads Date.now(): a 100 ms timer can
      // run when now() says 99 ms. This scheduler's timers all run a millisecond early.
      const early = {
        now: () => testScheduler.now(),
        schedule: (work: (this: SchedulerAction<unknown>, state?: unknown) => void, delay = 0, state?: unknown) =>
          testScheduler.schedule(work, delay > 1 ? delay - 1 : delay, state),
      } as SchedulerLike;
      const store = storeOn(early);
      fail(store, 'a', 100);
      store.state$('a').subscribe((state) => {
        if (state.cooldownUntil === undefined && state.halfOpen !== undefined) ended.push(testScheduler.now());
      });
    });
    // Ended at 100 (half-open), with no other message to the deployment to end it lazily.
    expect(ended).toEqual([100]);
  });

  it('ends a cooldown by itself when its time is up (scheduler-driven)', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ expectObservable, time }) => {
      const store = storeOn(testScheduler);
      const cooldown = time('   -----|');
      const expected = '        ft----f';
      testScheduler.schedule(() => fail(store, 'a', cooldown), time('-|'));

      const cooling$ = store.state$('a').pipe(
        map((state) => state.cooldownUntil !== undefined),
        distinctUntilChanged(),
      );
      expectObservable(cooling$).toBe(expected, { f: false, t: true });
    });
  });

  it('re-cooling to a later end moves the expiry: the cooldown ends at the later time', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ expectObservable }) => {
      const store = storeOn(testScheduler);
      testScheduler.schedule(() => fail(store, 'a', 5), 1);
      testScheduler.schedule(() => fail(store, 'a', 10), 3);
      testScheduler.schedule(() => fail(store, 'a', 1), 4);

      const until$ = store.state$('a').pipe(
        map((state) => state.cooldownUntil ?? 0),
        distinctUntilChanged(),
      );
      expectObservable(until$).toBe('06-d---------0', { 0: 0, 6: 6, d: 13 });
    });
  });

  it('publishes every transition and every deployment in all$', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ expectObservable }) => {
      const store = storeOn(testScheduler);
      testScheduler.schedule(() => fail(store, 'b', 2), 1);
      const coolingIds$ = store.all$.pipe(
        map((states) =>
          [...states.values()]
            .filter((state) => state.cooldownUntil !== undefined)
            .map((state) => state.id)
            .join(''),
        ),
        distinctUntilChanged(),
      );
      const transitions$ = store.transitions$.pipe(
        filter(({ message }) => message.type !== 'attemptStarted'),
        map(({ message, at }) => `${message.type}@${at}`),
      );

      expectObservable(coolingIds$).toBe('nb-n', { n: '', b: 'b' });
      expectObservable(transitions$).toBe('-f-e', { f: 'attemptFailed@1', e: 'cooldownExpired@3' });
    });
  });

  it('close() cancels pending expiry timers', () => {
    const testScheduler = createTestScheduler();
    let store: DeploymentStore | undefined;
    testScheduler.run(() => {
      store = storeOn(testScheduler);
      fail(store, 'a', 5);
      store.close();
    });
    // Virtual time ran past the end, yet no cooldownExpired arrived: the timer is gone.
    expect(store?.get('a').cooldownUntil).toBe(5);
  });

  it('rejects messages for an unknown deployment', () => {
    const store = storeOn(createTestScheduler());
    expect(() => store.send('nope', { type: 'attemptStarted' })).toThrow('unknown deployment "nope"');
  });
});
