import { TimeoutError } from 'rxjs';
import { APIConnectionError, InternalServerError, RequestTimeoutError } from './error-classes.js';
import { RxllmError } from './rxllm-error.js';

// Node and undici name network failures with a stable `code`; all of them mean the provider could
// not be reached or dropped us, which callers handle as one case (retry elsewhere).
const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

// undici's `fetch` wraps them (`TypeError: fetch failed`, the socket error as `cause`), so the
// cause chain is followed a few links deep.
function isConnectionFailure(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('UND_ERR') || connectionCodes.has(code))) return true;
  return isConnectionFailure((error as { cause?: unknown }).cause, depth + 1);
}

// `String(value)` itself throws for some values (an object without a prototype, a throwing `toString`).
function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}

/** Turns any thrown value into one of rxllm's typed errors; an `RxllmError` is returned as it is. */
export function toRxllmError(error: unknown): RxllmError {
  if (error instanceof RxllmError) return error;
  if (error instanceof TimeoutError) return new RequestTimeoutError(error.message, { cause: error });
  if (error instanceof Error) {
    if (isConnectionFailure(error)) {
      return new APIConnectionError(`connection to the provider failed: ${error.message}`, { cause: error });
    }
    return new InternalServerError(error.message, { cause: error });
  }
  return new InternalServerError(`non-error thrown: ${describe(error)}`, { cause: error });
}
