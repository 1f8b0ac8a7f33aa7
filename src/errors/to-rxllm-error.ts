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

function isConnectionFailure(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('UND_ERR') || connectionCodes.has(code));
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
  return new InternalServerError(`non-error thrown: ${String(error)}`, { cause: error });
}
