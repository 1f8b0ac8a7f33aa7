import { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { attemptTimeout } from '../../src/policies/attempt-timeout.js';
import { retryWithBackoff } from '../../src/policies/retry-with-backoff.js';
import { createTestScheduler, timeoutErrorShape } from '../support/marbles.js';

const attemptTimedOut = timeoutErrorShape('attempt_timeout');

describe('attemptTimeout', () => {
  it('errors with attempt_timeout (408) when the source has not completed ms after subscription, and aborts it then', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions, time }) => {
      const source = cold('      --------x|');
      const ms = time('          -----|');
      const expected = '         -----#';
      const subscriptions = '    ^----!';

      expectObservable(source.pipe(attemptTimeout(ms, { scheduler: testScheduler }))).toBe(expected, undefined, attemptTimedOut);
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it('aborts the attempt before the error goes out, so a retry never overlaps the attempt it gave up', () => {
    const testScheduler = createTestScheduler();
    const log: string[] = [];
    let attempts = 0;
    const attempt$ = new Observable<string>(() => {
      const attempt = ++attempts;
      log.push(`attempt ${attempt} sent`);
      return () => log.push(`attempt ${attempt} aborted`);
    });
    testScheduler.run(() => {
      attempt$
        .pipe(attemptTimeout(5, { scheduler: testScheduler }), retryWithBackoff({ count: 1, delay: () => 0, scheduler: testScheduler }))
        .subscribe({ error: (error: { code?: string }) => log.push(`error ${error.code}`) });
    });
    expect(log).toEqual(['attempt 1 sent', 'attempt 1 aborted', 'attempt 2 sent', 'attempt 2 aborted', 'error attempt_timeout']);
  });

  it('caps the whole attempt, even while values keep arriving', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions, time }) => {
      const source = cold('      a-b-c-d-e-|');
      const ms = time('          -----|');
      const expected = '         a-b-c#';
      const subscriptions = '    ^----!';

      expectObservable(source.pipe(attemptTimeout(ms, { scheduler: testScheduler }))).toBe(expected, undefined, attemptTimedOut);
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it('mirrors a source that completes in time and leaves no timer behind', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('      --x|');
      const expected = '         --x|';
      const subscriptions = '    ^--!';

      expectObservable(source.pipe(attemptTimeout(10, { scheduler: testScheduler }))).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
    expect(testScheduler.now()).toBe(3);
  });

  it('passes an upstream error through and leaves no timer behind', () => {
    const testScheduler = createTestScheduler();
    const upstream = { name: 'InternalServerError', code: 'internal_server_error', status: 500 };
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('      --#', undefined, upstream);
      const expected = '         --#';

      expectObservable(source.pipe(attemptTimeout(10, { scheduler: testScheduler }))).toBe(expected, undefined, upstream);
    });
    expect(testScheduler.now()).toBe(2);
  });

  it('leaves no timer behind when the subscriber unsubscribes', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('      a-------');
      const unsubscribe = '      ^-!';
      const subscriptions = '    ^-!';

      expectObservable(source.pipe(attemptTimeout(10, { scheduler: testScheduler })), unsubscribe).toBe('a');
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
    expect(testScheduler.now()).toBe(2);
  });

  it('uses asyncScheduler by default, which TestScheduler.run virtualises', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, time }) => {
      const source = cold('      ------|');
      const ms = time('          ---|');
      const expected = '         ---#';

      expectObservable(source.pipe(attemptTimeout(ms))).toBe(expected, undefined, attemptTimedOut);
    });
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('throws a TypeError when it is created with ms = %s', (ms) => {
    expect(() => attemptTimeout(ms)).toThrow(TypeError);
  });
});
