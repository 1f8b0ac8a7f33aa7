import { assertNonNegative, assertPositiveMs } from './validate.js';

export interface BackoffOptions {
  /** Delay before the first retry (ms). Default 500. */
  initialDelay?: number;
  /** Upper bound of any delay (ms). Default 8000. */
  maxDelay?: number;
  /** Growth per retry. Default 2. */
  factor?: number;
  /**
   * Fraction of the delay taken off at random: the delay is `d · (1 − jitter · random())`. Default
   * 0.25, as the openai SDK does, so that callers who failed together do not retry together.
   */
  jitter?: number;
}

/**
 * An exponential backoff: the delay (ms) before retry number `retry` (1 for the first retry).
 * A pure function of its inputs; randomness comes in as a number in [0, 1).
 *
 * @example
 * const backoff = exponentialBackoff({ initialDelay: 500, maxDelay: 8_000 });
 * backoff(1, Math.random()) // ≈ 375..500 ms
 */
export function exponentialBackoff(options: BackoffOptions = {}): (retry: number, random: number) => number {
  const initialDelay = options.initialDelay ?? 500;
  const maxDelay = options.maxDelay ?? 8_000;
  const factor = options.factor ?? 2;
  const jitter = options.jitter ?? 0.25;
  assertPositiveMs('exponentialBackoff', 'initialDelay', initialDelay);
  assertPositiveMs('exponentialBackoff', 'maxDelay', maxDelay);
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 1) {
    throw new TypeError(`exponentialBackoff: factor must be a finite number ≥ 1, got ${String(factor)}`);
  }
  assertNonNegative('exponentialBackoff', 'jitter', jitter);
  if (jitter > 1) throw new TypeError(`exponentialBackoff: jitter must be at most 1, got ${jitter}`);
  return (retry, random) => {
    const base = Math.min(initialDelay * factor ** Math.max(0, retry - 1), maxDelay);
    return base * (1 - jitter * random);
  };
}
