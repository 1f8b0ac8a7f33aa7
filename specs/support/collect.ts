import type { Observable } from 'rxjs';

/** Everything an Observable did until it ended. */
export interface Outcome<T> {
  readonly values: T[];
  readonly error: unknown;
  readonly completed: boolean;
}

/**
 * Subscribes and resolves when `source` completes or errors, with its values and how it ended, so a
 * spec can assert on a failing call without try/catch.
 *
 * @example
 * const { values, error } = await collect(provider.call(request));
 * expect(error).toBeInstanceOf(RateLimitError);
 */
export function collect<T>(source: Observable<T>): Promise<Outcome<T>> {
  return new Promise((resolve) => {
    const values: T[] = [];
    source.subscribe({
      next: (value) => values.push(value),
      error: (error: unknown) => resolve({ values, error, completed: false }),
      complete: () => resolve({ values, error: undefined, completed: true }),
    });
  });
}
