import { defer, finalize, Observable, take, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { InternalServerError, ServiceUnavailableError } from '../../src/errors/error-classes.js';
import { recoverBeforeFirstValue } from '../../src/policies/recover-before-first-value.js';
import { createTestScheduler } from '../support/marbles.js';

const down = new ServiceUnavailableError('down');
const broken = new InternalServerError('broken');

describe('recoverBeforeFirstValue', () => {
  it('asks next for a replacement with the error and the number of switches so far', () => {
    const testScheduler = createTestScheduler();
    const asked: [unknown, number][] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      const first = cold('       -#', undefined, down);
      const second = cold('       -#', undefined, broken);
      const third = cold('         -a|');
      const replacements = [second, third];

      const recovered = recoverBeforeFirstValue(first, (error, switches) => {
        asked.push([error, switches]);
        return replacements[switches];
      });
      expectObservable(recovered).toBe('---a|');
    });
    expect(asked).toEqual([
      [down, 0],
      [broken, 1],
    ]);
  });

  it('lets the error through when next returns undefined', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(recoverBeforeFirstValue(cold('--#', undefined, down), () => undefined)).toBe('--#', undefined, down);
    });
  });

  it('errors with what next throws', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const recovered = recoverBeforeFirstValue(cold('--#', undefined, down), () => {
        throw broken;
      });
      expectObservable(recovered).toBe('--#', undefined, broken);
    });
  });

  it('never asks next after the current source has emitted', () => {
    const testScheduler = createTestScheduler();
    let asked = 0;
    testScheduler.run(({ cold, expectObservable }) => {
      const recovered = recoverBeforeFirstValue(cold('a-#', undefined, down), () => {
        asked += 1;
        return cold('b|');
      });
      expectObservable(recovered).toBe('a-#', undefined, down);
    });
    expect(asked).toBe(0);
  });

  it('subscribes to the replacement in the frame of the error, and unsubscribes the failed source', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('       --#', undefined, down);
      const second = cold('        ---a|');

      expectObservable(recoverBeforeFirstValue(first, () => second)).toBe('-----a|');
      expectSubscriptions(first.subscriptions).toBe(' ^-!');
      expectSubscriptions(second.subscriptions).toBe('--^---!');
    });
  });

  it('tears a failed source down before subscribing to its replacement, so two never overlap', () => {
    const testScheduler = createTestScheduler();
    const log: string[] = [];
    let attempts = 0;
    const attempt$ = defer(() => {
      const attempt = ++attempts;
      log.push(`attempt ${attempt} started`);
      return testScheduler.createColdObservable<string>('-#', undefined, down).pipe(finalize(() => log.push(`attempt ${attempt} ended`)));
    });
    testScheduler.run(() => {
      recoverBeforeFirstValue(attempt$, (_, switches) => (switches < 2 ? attempt$ : undefined)).subscribe({ error: () => log.push('error') });
    });
    expect(log).toEqual([
      'attempt 1 started',
      'attempt 1 ended',
      'attempt 2 started',
      'attempt 2 ended',
      'attempt 3 started',
      'error',
      'attempt 3 ended',
    ]);
  });

  it('tears a synchronously failing source down before subscribing to its replacement', () => {
    const log: string[] = [];
    let attempts = 0;
    const attempt$ = new Observable<string>((subscriber) => {
      const attempt = ++attempts;
      log.push(`attempt ${attempt} started`);
      subscriber.error(down);
      return () => log.push(`attempt ${attempt} ended`);
    });
    recoverBeforeFirstValue(attempt$, (_, switches) => (switches < 1 ? attempt$ : undefined)).subscribe({ error: () => log.push('error') });
    expect(log).toEqual(['attempt 1 started', 'attempt 1 ended', 'attempt 2 started', 'error', 'attempt 2 ended']);
  });

  it('tears down a replacement that emits at once to a subscriber that leaves at once', () => {
    const testScheduler = createTestScheduler();
    let tornDown = 0;
    const eager = new Observable<string>((subscriber) => {
      subscriber.next('a');
      return () => (tornDown += 1);
    });
    testScheduler.run(({ cold, expectObservable }) => {
      const recovered = recoverBeforeFirstValue(cold('-#', undefined, down), () => eager);
      expectObservable(recovered.pipe(take(1))).toBe('-(a|)');
    });
    expect(tornDown).toBe(1);
  });

  it('tears down a first source that emits at once to a subscriber that leaves at once', () => {
    let tornDown = 0;
    const eager = new Observable<string>((subscriber) => {
      subscriber.next('a');
      return () => (tornDown += 1);
    });
    recoverBeforeFirstValue(eager, () => undefined).pipe(take(1)).subscribe();
    expect(tornDown).toBe(1);
  });

  it('survives a chain of synchronous errors and tears down each source exactly once', () => {
    let subscribed = 0;
    let tornDown = 0;
    const failing = new Observable<string>((subscriber) => {
      subscribed += 1;
      subscriber.error(down);
      return () => (tornDown += 1);
    });
    const values: string[] = [];
    const recovered = recoverBeforeFirstValue(failing, (_, switches) =>
      switches < 100 ? failing : new Observable<string>((subscriber) => subscriber.next('done')),
    );
    const subscription = recovered.subscribe((value) => values.push(value));
    expect(values).toEqual(['done']);
    expect([subscribed, tornDown]).toEqual([101, 101]);
    subscription.unsubscribe();
  });

  it('unsubscribes the current source when the subscriber unsubscribes, after a synchronous switch', () => {
    let tornDown = 0;
    const pending = new Observable<string>(() => () => (tornDown += 1));
    const subscription = recoverBeforeFirstValue(throwError(() => down), () => pending).subscribe();
    expect(tornDown).toBe(0);
    subscription.unsubscribe();
    expect(tornDown).toBe(1);
  });
});
