import { defer, finalize, type Observable, throwError } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { ContextWindowExceededError, InternalServerError, RateLimitError, ServiceUnavailableError } from '../../src/errors/error-classes.js';
import { fallback } from '../../src/policies/fallback.js';
import { createTestScheduler } from '../support/marbles.js';

const primaryDown = new ServiceUnavailableError('primary is down');
const secondaryDown = new InternalServerError('secondary is down');
const tertiaryLimited = new RateLimitError('tertiary is rate limited');
const tooLong = new ContextWindowExceededError('prompt is too long');

describe('fallback', () => {
  it('continues with the alternatives in order when each errors before emitting', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const primary = cold('     -#', undefined, primaryDown);
      const secondary = cold('    --#', undefined, secondaryDown);
      const tertiary = cold('       -a|');
      const expected = '         ----a|';

      expectObservable(primary.pipe(fallback([() => secondary, () => tertiary]))).toBe(expected);
      expectSubscriptions(primary.subscriptions).toBe('  ^!');
      expectSubscriptions(secondary.subscriptions).toBe('-^-!');
      expectSubscriptions(tertiary.subscriptions).toBe(' ---^-!');
    });
  });

  it('calls no factory while the source succeeds', () => {
    const testScheduler = createTestScheduler();
    const secondary = vi.fn<() => Observable<string>>();
    testScheduler.run(({ cold, expectObservable }) => {
      const primary = cold('     -a|');
      expectObservable(primary.pipe(fallback([secondary]))).toBe('-a|');
    });
    expect(secondary).not.toHaveBeenCalled();
  });

  it('calls each factory only when its turn comes, and not the ones after the alternative that succeeds', () => {
    const testScheduler = createTestScheduler();
    const calledAt: number[] = [];
    const tertiary = vi.fn<() => Observable<string>>();
    testScheduler.run(({ cold, expectObservable }) => {
      const primary = cold('     ---#', undefined, primaryDown);
      const secondary = cold('      -a|');
      const fallen$ = primary.pipe(
        fallback([
          () => {
            calledAt.push(testScheduler.now());
            return secondary;
          },
          tertiary,
        ]),
      );
      expect(calledAt).toEqual([]);
      expectObservable(fallen$).toBe('----a|');
    });
    expect(calledAt).toEqual([3]);
    expect(tertiary).not.toHaveBeenCalled();
  });

  it('lets the error through, subscribing to no alternative, when shouldFallback says no', () => {
    const testScheduler = createTestScheduler();
    const asked: [unknown, number][] = [];
    const shouldFallback = (error: unknown, index: number) => {
      asked.push([error, index]);
      return !(error instanceof ContextWindowExceededError);
    };
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const primary = cold('     --#', undefined, tooLong);
      const secondary = cold('   a|');

      expectObservable(primary.pipe(fallback([() => secondary], { shouldFallback }))).toBe('--#', undefined, tooLong);
      expectSubscriptions(secondary.subscriptions).toBe([]);
    });
    expect(asked).toEqual([[tooLong, 0]]);
  });

  it('asks shouldFallback with each alternative index in turn', () => {
    const testScheduler = createTestScheduler();
    const shouldFallback = vi.fn((_: unknown, index: number) => index < 1);
    testScheduler.run(({ cold, expectObservable }) => {
      const primary = cold('     -#', undefined, primaryDown);
      const secondary = cold('    -#', undefined, secondaryDown);
      const tertiary = cold('    a|');

      expectObservable(primary.pipe(fallback([() => secondary, () => tertiary], { shouldFallback }))).toBe('--#', undefined, secondaryDown);
    });
    expect(shouldFallback.mock.calls).toEqual([
      [primaryDown, 0],
      [secondaryDown, 1],
    ]);
  });

  it('never falls back once a value has been emitted: the stream is committed to its source', () => {
    const testScheduler = createTestScheduler();
    const secondary = vi.fn<() => Observable<string>>();
    testScheduler.run(({ cold, expectObservable }) => {
      const primary = cold('     -a-#', undefined, primaryDown);
      expectObservable(primary.pipe(fallback([secondary]))).toBe('-a-#', undefined, primaryDown);
    });
    expect(secondary).not.toHaveBeenCalled();
  });

  it('errors with the last error when every alternative fails', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const primary = cold('     -#', undefined, primaryDown);
      const secondary = cold('    -#', undefined, secondaryDown);
      const tertiary = cold('      -#', undefined, tertiaryLimited);

      expectObservable(primary.pipe(fallback([() => secondary, () => tertiary]))).toBe('---#', undefined, tertiaryLimited);
    });
  });

  it('lets the error through when there are no alternatives', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-#', undefined, primaryDown).pipe(fallback([]))).toBe('-#', undefined, primaryDown);
    });
  });

  it('tells onFallback the error and the index before subscribing to the alternative', () => {
    const testScheduler = createTestScheduler();
    const events: string[] = [];
    testScheduler.run(({ cold }) => {
      const primary = cold('-#', undefined, primaryDown);
      primary
        .pipe(
          fallback(
            [
              () => {
                events.push('secondary subscribed');
                return cold('a|');
              },
            ],
            { onFallback: (error, index) => events.push(`onFallback ${(error as Error).message} ${index}`) },
          ),
        )
        .subscribe();
    });
    expect(events).toEqual(['onFallback primary is down 0', 'secondary subscribed']);
  });

  it('treats a factory that throws as that alternative failing, and moves on to the next', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const primary = cold('     -#', undefined, primaryDown);
      const broken = (): Observable<string> => {
        throw secondaryDown;
      };
      expectObservable(primary.pipe(fallback([broken, () => cold('a|')]))).toBe('-a|');
      expectObservable(primary.pipe(fallback([broken]))).toBe('-#', undefined, secondaryDown);
    });
  });

  it('tears the failed source down before subscribing to the alternative', () => {
    const testScheduler = createTestScheduler();
    const log: string[] = [];
    testScheduler.run(({ cold }) => {
      const primary = cold('-#', undefined, primaryDown).pipe(finalize(() => log.push('primary ended')));
      const secondary = defer(() => {
        log.push('secondary started');
        return cold('a|');
      });
      primary.pipe(fallback([() => secondary])).subscribe();
    });
    expect(log).toEqual(['primary ended', 'secondary started']);
  });

  it('unsubscribes the alternative in flight when the subscriber unsubscribes', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const primary = cold('     -#', undefined, primaryDown);
      const secondary = cold('    ----a|');
      const unsubscribe = '      ^--!';

      expectObservable(primary.pipe(fallback([() => secondary])), unsubscribe).toBe('');
      expectSubscriptions(secondary.subscriptions).toBe('-^-!');
    });
  });

  it('falls back from synchronous errors', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const primary = throwError(() => primaryDown);
      expectObservable(primary.pipe(fallback([() => throwError(() => secondaryDown), () => cold('a|')]))).toBe('a|');
    });
  });
});
