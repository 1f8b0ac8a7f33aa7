import { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { RequestTimeoutError } from '../../src/errors/error-classes.js';
import { firstChunkTimeout } from '../../src/policies/first-chunk-timeout.js';
import { retryWithBackoff } from '../../src/policies/retry-with-backoff.js';
import { createTestScheduler, timeoutErrorShape } from '../support/marbles.js';

const firstChunkTimedOut = timeoutErrorShape('first_chunk_timeout');

describe('firstChunkTimeout', () => {
  it('errors with first_chunk_timeout (408) when no chunk arrives in time, and aborts the source then', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions, time }) => {
      const source = cold('      ------a--|');
      const ms = time('          ----|');
      const expected = '         ----#';
      const subscriptions = '    ^---!';

      expectObservable(source.pipe(firstChunkTimeout(ms, { scheduler: testScheduler }))).toBe(
        expected,
        undefined,
        firstChunkTimedOut,
      );
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it('errors with a RequestTimeoutError instance, not only something shaped like one', () => {
    const testScheduler = createTestScheduler();
    let caught: unknown;
    testScheduler.run(({ cold }) => {
      cold('-----a|').pipe(firstChunkTimeout(2, { scheduler: testScheduler })).subscribe({ error: (error: unknown) => (caught = error) });
    });
    expect(caught).toBeInstanceOf(RequestTimeoutError);
    expect(caught).toMatchObject({ status: 408, type: 'timeout_error', code: 'first_chunk_timeout' });
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
        .pipe(firstChunkTimeout(5, { scheduler: testScheduler }), retryWithBackoff({ count: 1, delay: () => 0, scheduler: testScheduler }))
        .subscribe({ error: (error: { code?: string }) => log.push(`error ${error.code}`) });
    });
    expect(log).toEqual(['attempt 1 sent', 'attempt 1 aborted', 'attempt 2 sent', 'attempt 2 aborted', 'error first_chunk_timeout']);
  });

  it('passes every value through when the first arrives in time, and never times the gaps after it', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions, time }) => {
      const source = cold('      --a--------b--|');
      const ms = time('          ---|');
      const expected = '         --a--------b--|';
      const subscriptions = '    ^-------------!';

      expectObservable(source.pipe(firstChunkTimeout(ms, { scheduler: testScheduler }))).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it('starts its clock at subscription, not when the operator is created', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions, time }) => {
      const source = cold('      ------a|');
      const ms = time('            ---|');
      const subscribedAt = '     --^';
      const expected = '         -----#';
      const subscriptions = '    --^--!';

      expectObservable(source.pipe(firstChunkTimeout(ms, { scheduler: testScheduler })), subscribedAt).toBe(
        expected,
        undefined,
        firstChunkTimedOut,
      );
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it('completes when the source completes empty before the timeout', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('      --|');
      const expected = '         --|';

      expectObservable(source.pipe(firstChunkTimeout(5, { scheduler: testScheduler }))).toBe(expected);
    });
    // No timer outlived the completion: virtual time stopped where the source did.
    expect(testScheduler.now()).toBe(2);
  });

  it('passes an upstream error through unchanged and leaves no timer behind', () => {
    const testScheduler = createTestScheduler();
    const upstream = { name: 'RateLimitError', code: 'rate_limit_exceeded', status: 429 };
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('      -#', undefined, upstream);
      const expected = '         -#';

      expectObservable(source.pipe(firstChunkTimeout(5, { scheduler: testScheduler }))).toBe(expected, undefined, upstream);
    });
    expect(testScheduler.now()).toBe(1);
  });

  it('uses asyncScheduler by default, which TestScheduler.run virtualises', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions, time }) => {
      const source = cold('      ---------a|');
      const ms = time('          -----|');
      const expected = '         -----#';
      const subscriptions = '    ^----!';

      expectObservable(source.pipe(firstChunkTimeout(ms))).toBe(expected, undefined, firstChunkTimedOut);
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, '5' as unknown as number])(
    'throws a TypeError when it is created with ms = %s, before anything subscribes',
    (ms) => {
      expect(() => firstChunkTimeout(ms)).toThrow(TypeError);
      expect(() => firstChunkTimeout(ms)).toThrow(/firstChunkTimeout: ms/);
    },
  );
});
