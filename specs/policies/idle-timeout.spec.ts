import { Observable, type SchedulerLike } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { idleTimeout } from '../../src/policies/idle-timeout.js';
import { createTestScheduler, timeoutErrorShape } from '../support/marbles.js';

const idleTimedOut = timeoutErrorShape('idle_timeout');

describe('idleTimeout', () => {
  it('errors with idle_timeout (408) ms after the last value, and aborts the source then', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions, time }) => {
      const source = cold('      a-b-c-------d|');
      const ms = time('              ---|');
      const expected = '         a-b-c--#';
      const subscriptions = '    ^------!';

      expectObservable(source.pipe(idleTimeout(ms, { scheduler: testScheduler }))).toBe(expected, undefined, idleTimedOut);
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it('unsubscribes the source before the error reaches the subscriber', () => {
    const testScheduler = createTestScheduler();
    const log: string[] = [];
    const stream$ = new Observable<string>((subscriber) => {
      subscriber.next('a');
      return () => log.push('stream aborted');
    });
    testScheduler.run(() => {
      stream$.pipe(idleTimeout(5, { scheduler: testScheduler })).subscribe({
        next: (value) => log.push(`chunk ${value}`),
        error: (error: { code?: string }) => log.push(`error ${error.code}`),
      });
    });
    expect(log).toEqual(['chunk a', 'stream aborted', 'error idle_timeout']);
  });

  it('starts no timer before the first value, however long that takes', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, time }) => {
      const source = cold('      ----------a|');
      const ms = time('          ---|');
      const expected = '         ----------a|';

      expectObservable(source.pipe(idleTimeout(ms, { scheduler: testScheduler }))).toBe(expected);
    });
  });

  it('never errors on a source that stays silent from the start (no timer is armed at subscription)', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('      -');
      const expected = '         -';

      expectObservable(source.pipe(idleTimeout(3, { scheduler: testScheduler }))).toBe(expected);
    });
    expect(testScheduler.now()).toBe(0);
  });

  it('fires exactly ms after the last of many values', () => {
    const testScheduler = createTestScheduler();
    const burst = 'a'.repeat(50);
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold(`${burst}----------|`);
      // The last value is at frame 49, so the clock runs out at 49 + 5 = 54.
      const expected = `${burst}----#`;
      const subscriptions = `^${'-'.repeat(53)}!`;

      expectObservable(source.pipe(idleTimeout(5, { scheduler: testScheduler }))).toBe(expected, undefined, idleTimedOut);
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it('re-arms lazily: one timer serves a burst of values instead of one timer per value', () => {
    const testScheduler = createTestScheduler();
    let timersScheduled = 0;
    const counting: SchedulerLike = {
      now: () => testScheduler.now(),
      schedule: (...args: Parameters<SchedulerLike['schedule']>) => {
        timersScheduled += 1;
        return testScheduler.schedule(...args);
      },
    };
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('      abcdefghij---|');
      const expected = '         abcdefghij---|';

      expectObservable(source.pipe(idleTimeout(4, { scheduler: counting }))).toBe(expected);
    });
    expect(timersScheduled).toBe(1);
  });

  it('allows gaps of up to exactly ms between values', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, time }) => {
      const source = cold('      a--b--c--d--|');
      const ms = time('          ---|');
      const expected = '         a--b--c--d--|';

      expectObservable(source.pipe(idleTimeout(ms, { scheduler: testScheduler }))).toBe(expected);
    });
  });

  it('errors on the first gap longer than ms even after gaps that were fine', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions, time }) => {
      const source = cold('      a--b--c----d|');
      const ms = time('          ---|');
      const expected = '         a--b--c--#';
      const subscriptions = '    ^--------!';

      expectObservable(source.pipe(idleTimeout(ms, { scheduler: testScheduler }))).toBe(expected, undefined, idleTimedOut);
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it('clears its timer when the source completes (no late error, virtual time stops with the source)', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('      a|');
      const expected = '         a|';

      expectObservable(source.pipe(idleTimeout(10, { scheduler: testScheduler }))).toBe(expected);
    });
    expect(testScheduler.now()).toBe(1);
  });

  it('clears its timer when the source errors, and passes the error through', () => {
    const testScheduler = createTestScheduler();
    const upstream = { name: 'APIConnectionError', code: 'api_connection_error', status: 502 };
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('      a-#', undefined, upstream);
      const expected = '         a-#';

      expectObservable(source.pipe(idleTimeout(10, { scheduler: testScheduler }))).toBe(expected, undefined, upstream);
    });
    expect(testScheduler.now()).toBe(2);
  });

  it('clears its timer when the subscriber unsubscribes, and unsubscribes the source', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('      a-b-------');
      const unsubscribe = '      ^--!';
      const expected = '         a-b';
      const subscriptions = '    ^--!';

      expectObservable(source.pipe(idleTimeout(10, { scheduler: testScheduler })), unsubscribe).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
    expect(testScheduler.now()).toBe(3);
  });

  it('uses asyncScheduler by default, which TestScheduler.run virtualises', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, time }) => {
      const source = cold('      a------b|');
      const ms = time('          ----|');
      const expected = '         a---#';

      expectObservable(source.pipe(idleTimeout(ms))).toBe(expected, undefined, idleTimedOut);
    });
  });

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])('throws a TypeError when it is created with ms = %s', (ms) => {
    expect(() => idleTimeout(ms)).toThrow(TypeError);
  });
});
