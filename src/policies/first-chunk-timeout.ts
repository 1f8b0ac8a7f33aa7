import { asyncScheduler, type MonoTypeOperatorFunction, Observable, type SchedulerLike, Subscription } from 'rxjs';
import { RequestTimeoutError } from '../errors/error-classes.js';
import { assertPositiveMs } from './validate.js';
import { formatSeconds } from './format-seconds.js';

export interface FirstChunkTimeoutOptions {
  scheduler?: SchedulerLike;
}

/**
 * Errors with a 408 `first_chunk_timeout` (and unsubscribes the source, aborting its request) when the
 * first value does not arrive within `ms` of subscription. Later values are not timed; see `idleTimeout`.
 * For chat streams, put `holdUntilContent(isContentChunk)` before it so that a role-only chunk does
 * not stop the clock (`streamTimeouts` does both).
 *
 * It behaves as `timeout({ first: ms })`, but keeps no reference to the values it passes on: RxJS's
 * `timeout` holds the latest one for its error's metadata, which keeps every open stream's last chunk
 * alive until the next one, long enough for the garbage collector to promote it.
 *
 * @example
 * chunks$.pipe(firstChunkTimeout(5_000))
 */
export function firstChunkTimeout<T>(ms: number, options: FirstChunkTimeoutOptions = {}): MonoTypeOperatorFunction<T> {
  assertPositiveMs('firstChunkTimeout', 'ms', ms);
  const scheduler = options.scheduler ?? asyncScheduler;
  return (source) =>
    new Observable<T>((subscriber) => {
      let seen = false;
      let timer: Subscription | undefined;
      const upstream = new Subscription();
      upstream.add(
        source.subscribe({
          next: (value) => {
            if (!seen) {
              seen = true;
              timer?.unsubscribe();
            }
            subscriber.next(value);
          },
          error: (error: unknown) => subscriber.error(error),
          complete: () => subscriber.complete(),
        }),
      );
      // As `timeout` does: the clock starts once the source is subscribed, unless it already emitted.
      if (!seen && !subscriber.closed) {
        timer = scheduler.schedule(() => {
          // The source is aborted before the error goes out, so nothing reacting to it overlaps this attempt.
          upstream.unsubscribe();
          subscriber.error(new RequestTimeoutError(`no first chunk within ${formatSeconds(ms)} s`, { code: 'first_chunk_timeout' }));
        }, ms);
      }
      return () => {
        timer?.unsubscribe();
        upstream.unsubscribe();
      };
    });
}
