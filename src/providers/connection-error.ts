import { APIConnectionError } from '../errors/error-classes.js';
import { RxllmError } from '../errors/rxllm-error.js';

// `String(value)` itself throws for some values (no prototype, a throwing `toString`).
function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}

/**
 * The error for a failure of the transport itself (refused, reset, closed socket, a body cut short):
 * an `APIConnectionError` naming the upstream's origin, the original error kept as `cause`. A typed
 * rxllm error passes through unchanged.
 *
 * @example
 * connectionError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'http://127.0.0.1:1')
 * // APIConnectionError: connection to http://127.0.0.1:1 failed: connect ECONNREFUSED
 */
export function connectionError(error: unknown, origin: string): RxllmError {
  if (error instanceof RxllmError) return error;
  const message = error instanceof Error ? error.message : describe(error);
  return new APIConnectionError(`connection to ${origin} failed: ${message}`, { cause: error });
}

/** The origin of an `apiBase`, for error messages: never its path, query or userinfo, which may hold a key. */
export function originOf(apiBase: string): string {
  try {
    return new URL(apiBase).origin;
  } catch {
    return 'the provider';
  }
}
