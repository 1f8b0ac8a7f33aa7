import { defer, EMPTY, finalize, Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  BadRequestError,
  InternalServerError,
  RateLimitError,
  ServiceUnavailableError,
} from '../../src/errors/error-classes.js';
import { type RetryEvent, retryWithBackoff } from '../../src/policies/retry-with-backoff.js';
import { createTestScheduler, errorShape } from '../support/marbles.js';

const serverError = new InternalServerError('upstream said 500');
const unavailable = new ServiceUnavailableError('upstream said 503');
const badRequest = new BadRequestError('messages: required', { param: 'messages' });
const rateLimited = (seconds: number) => new RateLimitError('slow down', { retryAfter: seconds });
const zero = () => 0;

/** One Observable per subscription, in order: attempt n subscribes to `attempts[n]`. */
function attemptsOf<T>(...attempts: Observable<T>[]): Observable<T> {
  let next = 0;
  return defer(() => attempts[next++] ?? EMPTY);
}

describe('retryWithBackoff', () => {
  it('retries up to count times with exponential waits, then errors with the last error', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('      --#', undefined, serverError);
      const expected = '         -- 500ms -- 1000ms --#';
      const subscriptions = [
        '                        ^-!',
        '                        -- 500ms ^-!',
        '                        -- 500ms -- 1000ms ^-!',
      ];

      expectObservable(source.pipe(retryWithBackoff({ count: 2, random: zero, scheduler: testScheduler }))).toBe(
        expected,
        undefined,
        serverError,
      );
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it('mirrors the attempt that succeeds after failed ones', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('       -#', undefined, serverError);
      const second = cold('      -#', undefined, serverError);
      const third = cold('       -ab|');
      const expected = '         - 500ms - 1000ms -ab|';

      expectObservable(attemptsOf(first, second, third).pipe(retryWithBackoff({ count: 5, random: zero, scheduler: testScheduler }))).toBe(
        expected,
      );
      expectSubscriptions(first.subscriptions).toBe('^!');
      expectSubscriptions(second.subscriptions).toBe('- 500ms ^!');
      expectSubscriptions(third.subscriptions).toBe(' - 500ms - 1000ms ^--!');
    });
  });

  it('never retries with count 0', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('      --#', undefined, serverError);
      const expected = '         --#';
      const subscriptions = '    ^-!';

      expectObservable(source.pipe(retryWithBackoff({ count: 0, scheduler: testScheduler }))).toBe(expected, undefined, serverError);
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it('takes count from a function of the error (a retry budget per error class)', () => {
    const testScheduler = createTestScheduler();
    const count = (error: unknown) => (error instanceof RateLimitError ? 2 : 0);
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const limited = cold('     -#', undefined, rateLimited(0));
      const failing = cold('     -#', undefined, serverError);
      const options = { count, delay: () => 0, scheduler: testScheduler };

      expectObservable(limited.pipe(retryWithBackoff(options))).toBe('---#', undefined, rateLimited(0));
      expectSubscriptions(limited.subscriptions).toBe(['^!', '-^!', '--^!']);
      expectObservable(failing.pipe(retryWithBackoff(options))).toBe('-#', undefined, serverError);
      expectSubscriptions(failing.subscriptions).toBe('^!');
    });
  });

  it('asks the count function again with every error: the latest error decides whether to go on', () => {
    const testScheduler = createTestScheduler();
    const asked: unknown[] = [];
    const count = (error: unknown) => {
      asked.push(error);
      return error instanceof RateLimitError ? 5 : 1;
    };
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('       -#', undefined, rateLimited(0));
      const second = cold('      -#', undefined, serverError);
      const third = cold('       -a|');

      expectObservable(attemptsOf(first, second, third).pipe(retryWithBackoff({ count, delay: () => 0, scheduler: testScheduler }))).toBe(
        '--#',
        undefined,
        serverError,
      );
      expectSubscriptions(third.subscriptions).toBe([]);
    });
    expect(asked.map(errorShape)).toEqual([errorShape(rateLimited(0)), errorShape(serverError)]);
  });

  it('lets an error through at once, without a wait, when shouldRetry says no', () => {
    const testScheduler = createTestScheduler();
    const seen: [unknown, number][] = [];
    const shouldRetry = (error: unknown, retry: number) => {
      seen.push([error, retry]);
      return !(error instanceof BadRequestError);
    };
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('      --#', undefined, badRequest);
      const expected = '         --#';
      const subscriptions = '    ^-!';

      expectObservable(source.pipe(retryWithBackoff({ count: 3, shouldRetry, scheduler: testScheduler }))).toBe(
        expected,
        undefined,
        badRequest,
      );
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
    expect(seen).toEqual([[badRequest, 1]]);
  });

  it('resubscribes immediately, in the same frame, when delay returns 0', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('      --#', undefined, serverError);
      const expected = '         ------#';
      const subscriptions = ['   ^-!', '--^-!', '----^-!'];

      expectObservable(source.pipe(retryWithBackoff({ count: 2, delay: () => 0, scheduler: testScheduler }))).toBe(
        expected,
        undefined,
        serverError,
      );
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it('waits what delay returns, ignoring Retry-After and minDelay, and keeps the default when it returns undefined', () => {
    const testScheduler = createTestScheduler();
    const delay = (_: unknown, retry: number) => (retry === 1 ? 7 : undefined);
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('      -#', undefined, rateLimited(2));
      const expected = '         - 7ms - 2000ms -#';

      expectObservable(
        source.pipe(retryWithBackoff({ count: 2, delay, minDelay: 5, random: zero, scheduler: testScheduler })),
      ).toBe(expected, undefined, rateLimited(2));
    });
  });

  it('waits the Retry-After of the latest error, not of the first one', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('       -#', undefined, rateLimited(1));
      const second = cold('      -#', undefined, rateLimited(3));
      const third = cold('       -a|');
      const expected = '         - 1000ms - 3000ms -a|';

      expectObservable(attemptsOf(first, second, third).pipe(retryWithBackoff({ count: 2, random: zero, scheduler: testScheduler }))).toBe(
        expected,
      );
      expectSubscriptions(third.subscriptions).toBe('- 1000ms - 3000ms ^-!');
    });
  });

  it('ignores a Retry-After above maxRetryAfter (60 s by default) in favour of backoff', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const tooLong = cold('     -#', undefined, rateLimited(61));
      const aboveCustom = cold(' -#', undefined, rateLimited(2));
      const retry = (maxRetryAfter?: number) =>
        retryWithBackoff({ count: 1, random: zero, scheduler: testScheduler, ...(maxRetryAfter === undefined ? {} : { maxRetryAfter }) });

      expectObservable(tooLong.pipe(retry())).toBe('        - 500ms -#', undefined, rateLimited(61));
      expectObservable(aboveCustom.pipe(retry(1_000))).toBe(' - 500ms -#', undefined, rateLimited(2));
    });
  });

  it('honours a Retry-After of exactly maxRetryAfter', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('      -#', undefined, rateLimited(60));
      expectObservable(source.pipe(retryWithBackoff({ count: 1, random: zero, scheduler: testScheduler }))).toBe(
        '- 60s -#',
        undefined,
        rateLimited(60),
      );
    });
  });

  it('never waits less than minDelay by default, whether the wait comes from backoff or Retry-After', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const backingOff = cold('  -#', undefined, serverError);
      const limited = cold('     -#', undefined, rateLimited(1));
      const options = { count: 1, minDelay: 2_000, random: zero, scheduler: testScheduler };

      expectObservable(backingOff.pipe(retryWithBackoff(options))).toBe('- 2000ms -#', undefined, serverError);
      expectObservable(limited.pipe(retryWithBackoff(options))).toBe('   - 2000ms -#', undefined, rateLimited(1));
    });
  });

  it('grows its waits 500, 1000, 2000, 4000, 8000 ms, capped at 8000, with jitter from the injected random', () => {
    const testScheduler = createTestScheduler();
    const delays: number[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('      #', undefined, serverError);
      const retried = source.pipe(
        retryWithBackoff({ count: 7, random: () => 0.8, onRetry: ({ delay }) => delays.push(delay), scheduler: testScheduler }),
      );
      // 0.8 of the jitter (25 %) is 20 % off every wait.
      expectObservable(retried).toBe('400ms 800ms 1600ms 3200ms 6400ms 6400ms 6400ms #', undefined, serverError);
    });
    expect(delays).toEqual([400, 800, 1_600, 3_200, 6_400, 6_400, 6_400]);
  });

  it('follows the backoff options it is given', () => {
    const testScheduler = createTestScheduler();
    const delays: number[] = [];
    testScheduler.run(({ cold }) => {
      cold('#', undefined, serverError)
        .pipe(
          retryWithBackoff({
            count: 3,
            backoff: { initialDelay: 10, factor: 3, maxDelay: 50, jitter: 0 },
            onRetry: ({ delay }) => delays.push(delay),
            scheduler: testScheduler,
          }),
        )
        .subscribe({ error: () => undefined });
    });
    expect(delays).toEqual([10, 30, 50]);
  });

  it('never retries once the source has emitted: no duplicated tokens after the commit point', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('      -a-#', undefined, serverError);
      const expected = '         -a-#';
      const subscriptions = '    ^--!';

      expectObservable(source.pipe(retryWithBackoff({ count: 3, delay: () => 0, scheduler: testScheduler }))).toBe(
        expected,
        undefined,
        serverError,
      );
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it('commits to a retry that has emitted: its later error goes through', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('       -#', undefined, unavailable);
      const second = cold('       -a-#', undefined, serverError);
      const third = cold('           a|');
      const expected = '         --a-#';

      expectObservable(attemptsOf(first, second, third).pipe(retryWithBackoff({ count: 5, delay: () => 0, scheduler: testScheduler }))).toBe(
        expected,
        undefined,
        serverError,
      );
      expectSubscriptions(second.subscriptions).toBe('-^--!');
      expectSubscriptions(third.subscriptions).toBe([]);
    });
  });

  it('never waits after the last attempt: the error goes through in the frame it happens', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('      --#', undefined, serverError);
      const expected = '         -- 500ms --#';

      expectObservable(source.pipe(retryWithBackoff({ count: 1, random: zero, scheduler: testScheduler }))).toBe(
        expected,
        undefined,
        serverError,
      );
    });
    // No timer was started after the last failure (frame 504).
    expect(testScheduler.now()).toBe(504);
  });

  it('fails at once with the last error when the wait would end after the deadline', () => {
    const testScheduler = createTestScheduler();
    const retries: RetryEvent[] = [];
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('       --#', undefined, unavailable);
      const second = cold('      --#', undefined, serverError);
      const third = cold('       a|');
      // The first wait (500) ends at 502, before the deadline; the second (1000) would end at 1504.
      const expected = '         -- 500ms --#';

      const retried = attemptsOf(first, second, third).pipe(
        retryWithBackoff({ count: 5, random: zero, deadline: () => 1_000, onRetry: (event) => retries.push(event), scheduler: testScheduler }),
      );
      expectObservable(retried).toBe(expected, undefined, serverError);
      expectSubscriptions(third.subscriptions).toBe([]);
    });
    expect(retries.map(({ delay }) => delay)).toEqual([500]);
    expect(testScheduler.now()).toBe(504);
  });

  it('still waits when the wait ends exactly at the deadline', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('      --#', undefined, serverError);
      expectObservable(source.pipe(retryWithBackoff({ count: 1, random: zero, deadline: () => 502, scheduler: testScheduler }))).toBe(
        '-- 500ms --#',
        undefined,
        serverError,
      );
    });
  });

  it('tells onRetry the error, the retry number and the wait, before the wait', () => {
    const testScheduler = createTestScheduler();
    const events: (RetryEvent & { at: number })[] = [];
    testScheduler.run(({ cold }) => {
      cold('-#', undefined, serverError)
        .pipe(
          retryWithBackoff({
            count: 2,
            random: zero,
            onRetry: (event) => events.push({ ...event, at: testScheduler.now() }),
            scheduler: testScheduler,
          }),
        )
        .subscribe({ error: () => undefined });
    });
    expect(events).toEqual([
      { error: serverError, retry: 1, delay: 500, at: 1 },
      { error: serverError, retry: 2, delay: 1_000, at: 502 },
    ]);
  });

  it('tears each failed attempt down before the next one starts, even with no wait between them', () => {
    const testScheduler = createTestScheduler();
    const log: string[] = [];
    let attempts = 0;
    testScheduler.run(({ cold }) => {
      const attempt$ = defer(() => {
        const attempt = ++attempts;
        log.push(`attempt ${attempt} started`);
        return cold('-#', undefined, serverError).pipe(finalize(() => log.push(`attempt ${attempt} ended`)));
      });
      attempt$.pipe(retryWithBackoff({ count: 1, delay: () => 0, scheduler: testScheduler })).subscribe({ error: () => log.push('error') });
    });
    expect(log).toEqual(['attempt 1 started', 'attempt 1 ended', 'attempt 2 started', 'error', 'attempt 2 ended']);
  });

  it('retries a synchronously erroring source synchronously (delay 0) and tears every attempt down', () => {
    const testScheduler = createTestScheduler();
    let subscribed = 0;
    let tornDown = 0;
    const source = new Observable<string>((subscriber) => {
      subscribed += 1;
      if (subscribed < 4) subscriber.error(serverError);
      else {
        subscriber.next('a');
        subscriber.complete();
      }
      return () => (tornDown += 1);
    });
    testScheduler.run(({ expectObservable }) => {
      expectObservable(source.pipe(retryWithBackoff({ count: 3, delay: () => 0, scheduler: testScheduler }))).toBe('(a|)');
    });
    expect(subscribed).toBe(4);
    expect(tornDown).toBe(4);
  });

  it('lets the last synchronous error through once the retries are spent', () => {
    const testScheduler = createTestScheduler();
    let subscribed = 0;
    let tornDown = 0;
    const source = new Observable<string>((subscriber) => {
      subscribed += 1;
      subscriber.error(serverError);
      return () => (tornDown += 1);
    });
    testScheduler.run(({ expectObservable }) => {
      expectObservable(source.pipe(retryWithBackoff({ count: 2, delay: () => 0, scheduler: testScheduler }))).toBe('#', undefined, serverError);
    });
    expect([subscribed, tornDown]).toEqual([3, 3]);
  });

  it('cancels a pending wait when the subscriber unsubscribes: no attempt follows', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('      --#', undefined, serverError);
      const unsubscribe = '      ^-- 100ms !';
      const subscriptions = '    ^-!';

      expectObservable(source.pipe(retryWithBackoff({ count: 2, random: zero, scheduler: testScheduler })), unsubscribe).toBe('');
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
    // The retry due at frame 502 was cancelled with the wait.
    expect(testScheduler.now()).toBe(103);
  });

  it('uses asyncScheduler by default, which TestScheduler.run virtualises', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('      --#', undefined, serverError);
      const expected = '         -- 500ms --#';

      expectObservable(source.pipe(retryWithBackoff({ count: 1, random: zero }))).toBe(expected, undefined, serverError);
      expectSubscriptions(source.subscriptions).toBe(['^-!', '-- 500ms ^-!']);
    });
  });

  it.each([
    { count: -1 },
    { count: 1.5 },
    { count: Number.NaN },
    { count: Number.POSITIVE_INFINITY },
    { count: 1, minDelay: -1 },
    { count: 1, maxRetryAfter: Number.NaN },
    { count: 1, backoff: { jitter: 2 } },
  ])('throws a TypeError when it is created with %o, before anything subscribes', (options) => {
    expect(() => retryWithBackoff(options)).toThrow(TypeError);
  });
});
