import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';

/** What a marble diagram compares an error by: never its message or stack trace. */
export interface ErrorShape {
  readonly name: unknown;
  readonly code: unknown;
  readonly status: unknown;
}

/** `{ name, code, status }` of an error (or of any object with those fields); other values as they are. */
export function errorShape(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const { name, code, status } = error as Partial<ErrorShape>;
  return { name, code, status };
}

/** The shape of a 408 `RequestTimeoutError` with `code`, to write next to a `#` in a diagram. */
export function timeoutErrorShape(code: string): ErrorShape {
  return { name: 'RequestTimeoutError', code, status: 408 };
}

// TestScheduler hands assertDeepEqual either notification lists ({ frame, notification }) or
// subscription logs; only the error of an 'E' notification is normalised.
function normalise(messages: unknown): unknown {
  if (!Array.isArray(messages)) return messages;
  return messages.map((message: unknown) => {
    const notification = (message as { notification?: { kind?: string; error?: unknown } } | null)?.notification;
    if (notification?.kind !== 'E') return message;
    return { ...(message as object), notification: { ...notification, error: errorShape(notification.error) } };
  });
}

/**
 * A TestScheduler that asserts with vitest's `expect` and compares errors by `{ name, code, status }`,
 * so that `expectObservable(x).toBe('--#', undefined, timeoutErrorShape('idle_timeout'))` holds for any
 * `RequestTimeoutError` with that code, whatever its message and stack.
 *
 * @example
 * const testScheduler = createTestScheduler();
 * testScheduler.run(({ cold, expectObservable }) => { ... });
 */
export function createTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(normalise(actual)).toEqual(normalise(expected));
  });
}
