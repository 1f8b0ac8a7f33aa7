import { asyncScheduler, type MonoTypeOperatorFunction, type SchedulerLike, switchMap, timer, type Observable } from 'rxjs';
import { type BackoffOptions, exponentialBackoff } from './backoff.js';
import { recoverBeforeFirstValue } from './recover-before-first-value.js';
import { assertCount, assertNonNegative } from './validate.js';

/** What `onRetry` is told before each retry. */
export interface RetryEvent {
  readonly error: unknown;
  /** 1 for the first retry. */
  readonly retry: number;
  /** The wait before it (ms). */
  readonly delay: number;
}

export interface RetryWithBackoffOptions {
  /** Retries allowed after the first failure. A function picks the number by error (LiteLLM's `retry_policy`). */
  count: number | ((error: unknown) => number);
  /** Whether this error may be retried at all. Default: always. */
  shouldRetry?: (error: unknown, retry: number) => boolean;
  /**
   * Overrides the wait before a retry (ms); `undefined` keeps the default (`Retry-After`, else backoff).
   * The router returns 0 when the retry goes to another deployment.
   */
  delay?: (error: unknown, retry: number) => number | undefined;
  backoff?: BackoffOptions;
  /** A floor for every default wait (ms): LiteLLM's `retry_after`. Default 0. */
  minDelay?: number;
  /** A `Retry-After` longer than this (ms) is ignored in favour of backoff. Default 60 000. */
  maxRetryAfter?: number;
  /** Absolute time (on `scheduler`) after which no wait may end; such a retry fails at once instead. */
  deadline?: () => number | undefined;
  onRetry?: (event: RetryEvent) => void;
  scheduler?: SchedulerLike;
  random?: () => number;
}

/** Seconds to wait, as `RxllmError.retryAfter` carries a provider's `Retry-After`. */
function retryAfterMs(error: unknown): number | undefined {
  const retryAfter = (error as { retryAfter?: unknown } | null)?.retryAfter;
  return typeof retryAfter === 'number' && retryAfter > 0 ? retryAfter * 1000 : undefined;
}

/** What the default wait before a retry is made of. */
export interface RetryWaitRules {
  readonly minDelay: number;
  readonly maxRetryAfter: number;
  readonly backoff: (retry: number, random: number) => number;
  readonly random: () => number;
}

/**
 * The default wait (ms) before retry number `retry` after `error`: its `retryAfter` when it has one
 * of at most `maxRetryAfter`, else the backoff; never less than `minDelay`. Shared by
 * `retryWithBackoff` and the Router's own attempt loop.
 */
export function defaultRetryWait(error: unknown, retry: number, rules: RetryWaitRules): number {
  const fromProvider = retryAfterMs(error);
  const wait = fromProvider !== undefined && fromProvider <= rules.maxRetryAfter ? fromProvider : rules.backoff(retry, rules.random());
  return Math.max(rules.minDelay, wait);
}

/**
 * Resubscribes to the source when it errors, up to `count` times, waiting between attempts: the
 * **latest** error's `retryAfter` when it has one (≤ `maxRetryAfter`), else exponential backoff with
 * jitter. Never retries after the source has emitted (no duplicated tokens), never waits after the
 * last attempt, and never starts a wait that would end after `deadline`: it fails at once instead.
 *
 * @example
 * defer(() => provider.call(req)).pipe(retryWithBackoff({ count: 2, scheduler }))
 */
export function retryWithBackoff<T>(options: RetryWithBackoffOptions): MonoTypeOperatorFunction<T> {
  const { count, shouldRetry, delay, deadline, onRetry } = options;
  if (typeof count !== 'function') assertCount('retryWithBackoff', 'count', count);
  const minDelay = options.minDelay ?? 0;
  const maxRetryAfter = options.maxRetryAfter ?? 60_000;
  assertNonNegative('retryWithBackoff', 'minDelay', minDelay);
  assertNonNegative('retryWithBackoff', 'maxRetryAfter', maxRetryAfter);
  const scheduler = options.scheduler ?? asyncScheduler;
  const rules: RetryWaitRules = {
    minDelay,
    maxRetryAfter,
    backoff: exponentialBackoff(options.backoff),
    random: options.random ?? Math.random,
  };

  return (source: Observable<T>) =>
    recoverBeforeFirstValue(source, (error, retriesSoFar) => {
      const retry = retriesSoFar + 1;
      const allowed = typeof count === 'function' ? count(error) : count;
      if (retriesSoFar >= allowed) return undefined;
      if (shouldRetry !== undefined && !shouldRetry(error, retry)) return undefined;
      const wait = delay?.(error, retry) ?? defaultRetryWait(error, retry, rules);
      const due = deadline?.();
      if (due !== undefined && scheduler.now() + wait > due) return undefined;
      onRetry?.({ error, retry, delay: wait });
      return wait > 0 ? timer(wait, scheduler).pipe(switchMap(() => source)) : source;
    });
}
