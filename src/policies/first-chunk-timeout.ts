import { asyncScheduler, type MonoTypeOperatorFunction, type Observable, type SchedulerLike, throwError, timeout } from 'rxjs';
import { RequestTimeoutError } from '../errors/error-classes.js';
import { assertPositiveMs } from './validate.js';

export interface FirstChunkTimeoutOptions {
  scheduler?: SchedulerLike;
}

/**
 * Errors with a 408 `first_chunk_timeout` (and unsubscribes the source, aborting its request) when the
 * first value does not arrive within `ms` of subscription. Later values are not timed; see `idleTimeout`.
 * For chat streams, put `holdUntilContent(isContentChunk)` before it so that a role-only chunk does
 * not stop the clock (`streamTimeouts` does both).
 *
 * @example
 * chunks$.pipe(firstChunkTimeout(5_000))
 */
export function firstChunkTimeout<T>(ms: number, options: FirstChunkTimeoutOptions = {}): MonoTypeOperatorFunction<T> {
  assertPositiveMs('firstChunkTimeout', 'ms', ms);
  return timeout<T, Observable<never>>({
    first: ms,
    scheduler: options.scheduler ?? asyncScheduler,
    with: () =>
      throwError(() => new RequestTimeoutError(`no first chunk within ${ms} ms`, { code: 'first_chunk_timeout' })),
  });
}
