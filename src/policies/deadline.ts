import { asyncScheduler, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import { RequestTimeoutError } from '../errors/error-classes.js';
import { failAfter } from './fail-after.js';
import { assertPositiveMs } from './validate.js';
import { formatSeconds } from './format-seconds.js';

export interface DeadlineOptions {
  scheduler?: SchedulerLike;
  /** Builds the error (e.g. to attach the attempts made so far); defaults to a 408 `deadline_exceeded`. */
  with?: () => unknown;
}

/**
 * The overall deadline of a call: all attempts, retries, waits and fallbacks together. When `ms`
 * have passed, whatever is in flight is unsubscribed and the call errors with 408 `deadline_exceeded`.
 * It never completes early: a stream cut by the deadline errors, it is not silently truncated.
 *
 * @example
 * call$.pipe(deadline(600_000))
 */
export function deadline<T>(ms: number, options: DeadlineOptions = {}): MonoTypeOperatorFunction<T> {
  assertPositiveMs('deadline', 'ms', ms);
  const makeError =
    options.with ?? (() => new RequestTimeoutError(`the call did not finish within ${formatSeconds(ms)} s`, { code: 'deadline_exceeded' }));
  return failAfter<T>(ms, makeError, options.scheduler ?? asyncScheduler);
}
