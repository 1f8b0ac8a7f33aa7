import { defer, type MonoTypeOperatorFunction, type ObservableInput } from 'rxjs';
import { recoverBeforeFirstValue } from './recover-before-first-value.js';

export interface FallbackOptions {
  /** Whether to move on from this error to alternative `index` (0-based). Default: always. */
  shouldFallback?: (error: unknown, index: number) => boolean;
  /** Told before alternative `index` is subscribed. */
  onFallback?: (error: unknown, index: number) => void;
}

/**
 * When the source errors before emitting anything, continues with the first alternative, then the
 * next, in order; the last error goes through when none is left. Alternatives are factories, called
 * only when needed. Never falls back once a value has been emitted: a stream is committed to its
 * source from its first chunk on.
 *
 * @example
 * primary$.pipe(fallback([() => secondary$, () => tertiary$]))
 */
export function fallback<T>(
  alternatives: readonly (() => ObservableInput<T>)[],
  options: FallbackOptions = {},
): MonoTypeOperatorFunction<T> {
  const { shouldFallback, onFallback } = options;
  return (source) =>
    recoverBeforeFirstValue(source, (error, index) => {
      const alternative = alternatives[index];
      if (alternative === undefined) return undefined;
      if (shouldFallback !== undefined && !shouldFallback(error, index)) return undefined;
      onFallback?.(error, index);
      return defer(alternative);
    });
}
