import { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { failAfter } from '../../src/policies/fail-after.js';
import { createTestScheduler } from '../support/marbles.js';

const tooLate = { name: 'Error', code: 'too_late', status: undefined };
const makeError = () => Object.assign(new Error('too late'), { code: 'too_late' });

describe('failAfter', () => {
  it('errors with makeError() at dueMs and unsubscribes the source', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions, time }) => {
      const source = cold('      a--b--c|');
      const due = time('         ----|');
      const expected = '         a--b#';
      const subscriptions = '    ^---!';

      expectObservable(source.pipe(failAfter(due, makeError, testScheduler))).toBe(expected, undefined, tooLate);
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it('builds the error only when the time runs out', () => {
    const testScheduler = createTestScheduler();
    let built = 0;
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('      a|');
      expectObservable(source.pipe(failAfter(5, () => (built += 1), testScheduler))).toBe('a|');
    });
    expect(built).toBe(0);
  });

  it('treats a negative dueMs as 0: errors in the frame of subscription', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('      --a|');
      const expected = '         #';
      const subscriptions = '    (^!)';

      expectObservable(source.pipe(failAfter(-3, makeError, testScheduler))).toBe(expected, undefined, tooLate);
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it('completes with a synchronous source and runs its teardown once, leaving no timer', () => {
    const testScheduler = createTestScheduler();
    let teardowns = 0;
    testScheduler.run(({ expectObservable }) => {
      const source = new Observable<string>((subscriber) => {
        subscriber.next('a');
        subscriber.complete();
        return () => (teardowns += 1);
      });
      expectObservable(source.pipe(failAfter(5, makeError, testScheduler))).toBe('(a|)');
    });
    expect(teardowns).toBe(1);
    expect(testScheduler.now()).toBe(0);
  });

  it('starts a new clock for each subscription', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const capped = cold('-').pipe(failAfter(3, makeError, testScheduler));
      expectObservable(capped, '^').toBe('        ---#', undefined, tooLate);
      expectObservable(capped, '--^').toBe('      -----#', undefined, tooLate);
    });
  });
});
