import { asyncScheduler, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import { RequestTimeoutError } from '../errors/error-classes.js';
import { failAfter } from './fail-after.js';
import { assertPositiveMs } from './validate.js';
import { formatSeconds } from './format-seconds.js';

export interface AttemptTimeoutOptions {
  scheduler?: SchedulerLike;
}

/**
 * Caps one attempt: if the source has not completed `ms` after subscription, it is unsubscribed
 * (aborting its request) and the result errors with a 408 `RequestTimeoutError` `attempt_timeout`.
 *
 * @example
 * provider.call(request).pipe(attemptTimeout(30_000)) // a whole completion within 30 s
 */
export function attemptTimeout<T>(ms: number, options: AttemptTimeoutOptions = {}): MonoTypeOperatorFunction<T> {
  assertPositiveMs('attemptTimeout', 'ms', ms);
  return failAfter<T>(
    ms,
    () => new RequestTimeoutError(`the attempt did not complete within ${formatSeconds(ms)} s`, { code: 'attempt_timeout' }),
    options.scheduler ?? asyncScheduler,
  );
}
