import { type MonoTypeOperatorFunction, type SchedulerLike, Observable } from 'rxjs';

/**
 * Mirrors the source until `dueMs` has passed on `scheduler`, then errors with `makeError()` and
 * unsubscribes the source. Like `takeUntil(timer(dueMs))`, except that running out of time is an
 * error: a capped call must never look complete.
 */
export function failAfter<T>(dueMs: number, makeError: () => unknown, scheduler: SchedulerLike): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      const timer = scheduler.schedule(() => subscriber.error(makeError()), Math.max(0, dueMs));
      const subscription = source.subscribe(subscriber);
      return () => {
        timer.unsubscribe();
        subscription.unsubscribe();
      };
    });
}
