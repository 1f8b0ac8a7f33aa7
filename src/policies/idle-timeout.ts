import { asyncScheduler, type MonoTypeOperatorFunction, Observable, type SchedulerAction, type SchedulerLike, Subscription } from 'rxjs';
import { RequestTimeoutError } from '../errors/error-classes.js';
import { assertPositiveMs } from './validate.js';
import { formatSeconds } from './format-seconds.js';

export interface IdleTimeoutOptions {
  scheduler?: SchedulerLike;
}

/**
 * Errors with a 408 `idle_timeout` (and unsubscribes the source) when, after the first value, more than
 * `ms` pass without another. Nothing is timed before the first value (that is `firstChunkTimeout`'s job).
 *
 * One timer serves a whole quiet period: each value only records the time, and when the timer fires
 * early relative to the last value it is re-armed for the remainder. A stream of many fast chunks so
 * costs one clock read per chunk instead of one timer per chunk.
 *
 * @example
 * chunks$.pipe(idleTimeout(10_000))
 */
export function idleTimeout<T>(ms: number, options: IdleTimeoutOptions = {}): MonoTypeOperatorFunction<T> {
  assertPositiveMs('idleTimeout', 'ms', ms);
  const scheduler = options.scheduler ?? asyncScheduler;
  return (source) =>
    new Observable<T>((subscriber) => {
      let lastValueAt = 0;
      let timer: Subscription | undefined;
      const upstream = new Subscription();
      // Re-arms itself (the same action) for what remains of the quiet period.
      const check = function (this: SchedulerAction<unknown>): void {
        const quietFor = scheduler.now() - lastValueAt;
        if (quietFor >= ms) {
          // Abort the source before the error goes out, so nothing reacting to it overlaps this attempt.
          upstream.unsubscribe();
          subscriber.error(new RequestTimeoutError(`no chunk for ${formatSeconds(ms)} s`, { code: 'idle_timeout' }));
        } else {
          this.schedule(undefined, ms - quietFor);
        }
      };
      upstream.add(
        source.subscribe({
          next: (value) => {
            lastValueAt = scheduler.now();
            if (timer === undefined) timer = scheduler.schedule(check, ms);
            subscriber.next(value);
          },
          error: (error: unknown) => subscriber.error(error),
          complete: () => subscriber.complete(),
        }),
      );
      return () => {
        timer?.unsubscribe();
        upstream.unsubscribe();
      };
    });
}
