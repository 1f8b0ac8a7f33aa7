import { type MonoTypeOperatorFunction, type SchedulerLike, Observable, Subscription } from 'rxjs';

/**
 * Mirrors the source until `dueMs` has passed on `scheduler`, then unsubscribes the source and errors
 * with `makeError()`. Like `takeUntil(timer(dueMs))`, except that running out of time is an error: a
 * capped call must never look complete.
 */
export function failAfter<T>(dueMs: number, makeError: () => unknown, scheduler: SchedulerLike): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      // The source is unsubscribed (its request aborted) before the error goes out, as `timeout` does:
      // whatever reacts to the error at once (a retry, a fallback, a routing decision reading the
      // deployments' in-flight counts) must never overlap the attempt that was given up.
      const upstream = new Subscription();
      const timer = scheduler.schedule(() => {
        // The error is made first, while the source is still live, so that it can describe what was
        // in flight (the deadline's error lists the attempt it cut).
        const error = makeError();
        upstream.unsubscribe();
        subscriber.error(error);
      }, Math.max(0, dueMs));
      upstream.add(
        source.subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => subscriber.error(error),
          complete: () => subscriber.complete(),
        }),
      );
      return () => {
        timer.unsubscribe();
        upstream.unsubscribe();
      };
    });
}
