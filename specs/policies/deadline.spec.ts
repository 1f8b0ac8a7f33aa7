import { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { RequestTimeoutError } from '../../src/errors/error-classes.js';
import { deadline } from '../../src/policies/deadline.js';
import { retryWithBackoff } from '../../src/policies/retry-with-backoff.js';
import { createTestScheduler, timeoutErrorShape } from '../support/marbles.js';

const deadlineExceeded = timeoutErrorShape('deadline_exceeded');

describe('deadline', () => {
  it('errors with deadline_exceeded (408) rather than completing when time runs out', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions, time }) => {
      const source = cold('      -------|');
      const ms = time('          ----|');
      const expected = '         ----#';
      const subscriptions = '    ^---!';

      expectObservable(source.pipe(deadline(ms, { scheduler: testScheduler }))).toBe(expected, undefined, deadlineExceeded);
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it('cuts a stream mid-way with an error, never a silent truncation', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions, time }) => {
      const source = cold('      a-b-c-d-e-|');
      const ms = time('          -----|');
      const expected = '         a-b-c#';
      const subscriptions = '    ^----!';

      expectObservable(source.pipe(deadline(ms, { scheduler: testScheduler }))).toBe(expected, undefined, deadlineExceeded);
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it('unsubscribes the call in flight before the error reaches the subscriber', () => {
    const testScheduler = createTestScheduler();
    const log: string[] = [];
    const call$ = new Observable<string>(() => () => log.push('call aborted'));
    testScheduler.run(() => {
      call$.pipe(deadline(5, { scheduler: testScheduler })).subscribe({ error: (error: { code?: string }) => log.push(`error ${error.code}`) });
    });
    expect(log).toEqual(['call aborted', 'error deadline_exceeded']);
  });

  it('bounds retries and their waits too: the wait in flight is cancelled and no attempt follows', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions, time }) => {
      const upstream = { name: 'InternalServerError', code: 'internal_server_error', status: 500 };
      const source = cold('      --#', undefined, upstream);
      const wait = time('          ---|');
      const ms = time('          ---------|');
      const expected = '         ---------#';
      const subscriptions = ['   ^-!', '-----^-!'];

      const call$ = source.pipe(
        retryWithBackoff({ count: 5, delay: () => wait, scheduler: testScheduler }),
        deadline(ms, { scheduler: testScheduler }),
      );
      expectObservable(call$).toBe(expected, undefined, deadlineExceeded);
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
    // The retry timer that was pending at the deadline (due at frame 10) never ran.
    expect(testScheduler.now()).toBe(9);
  });

  it('mirrors a source that completes in time and leaves no timer behind', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('      a-b|');
      const expected = '         a-b|';

      expectObservable(source.pipe(deadline(100, { scheduler: testScheduler }))).toBe(expected);
    });
    expect(testScheduler.now()).toBe(3);
  });

  it('errors with the error built by options.with (e.g. carrying the attempts so far)', () => {
    const testScheduler = createTestScheduler();
    let caught: unknown;
    testScheduler.run(({ cold }) => {
      const built = new RequestTimeoutError('the call ran out of time', { code: 'deadline_exceeded', numRetries: 2 });
      cold('-----|').pipe(deadline(2, { scheduler: testScheduler, with: () => built })).subscribe({ error: (error: unknown) => (caught = error) });
    });
    expect(caught).toBeInstanceOf(RequestTimeoutError);
    expect(caught).toMatchObject({ code: 'deadline_exceeded', numRetries: 2, message: 'the call ran out of time' });
  });

  it('uses asyncScheduler by default, which TestScheduler.run virtualises', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, time }) => {
      const source = cold('      a----b|');
      const ms = time('          --|');
      const expected = '         a-#';

      expectObservable(source.pipe(deadline(ms))).toBe(expected, undefined, deadlineExceeded);
    });
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('throws a TypeError when it is created with ms = %s', (ms) => {
    expect(() => deadline(ms)).toThrow(TypeError);
  });
});
