import { TimeoutError } from 'rxjs';
import { APIConnectionError, InternalServerError, RequestTimeoutError } from './error-classes.js';
import { parseRetryAfter } from '../providers/parse-retry-after.js';
import type { ResponseHeaders } from '../providers/header-value.js';
import { errorFromStatus } from './error-from-status.js';
import { RxllmError, type RxllmErrorOptions } from './rxllm-error.js';

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

/** The `retry-after(-ms)` headers of a foreign HTTP error (a `Headers` object or a plain record). */
function headersOf(error: object): ResponseHeaders {
  const headers = (error as { headers?: unknown }).headers;
  if (typeof headers !== 'object' || headers === null) return {};
  const get = (headers as { get?: unknown }).get;
  if (typeof get === 'function') {
    const read = (name: string) => (get as (name: string) => string | null).call(headers, name) ?? undefined;
    return { 'retry-after': read('retry-after'), 'retry-after-ms': read('retry-after-ms') };
  }
  const lower: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) if (typeof value === 'string') lower[name.toLowerCase()] = value;
  return lower;
}

/**
 * An error from another library that carries an HTTP `status` (the openai SDK's `APIError`, a custom
 * provider's own errors) keeps its meaning: its class by status, its `code`, its `Retry-After`.
 */
function fromForeignStatus(error: Error): RxllmError | undefined {
  const status = (error as { status?: unknown }).status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) return undefined;
  const code = (error as { code?: unknown }).code;
  const options: RxllmErrorOptions = { cause: error };
  if (typeof code === 'string' && code !== '') options.code = code;
  const retryAfter = parseRetryAfter(headersOf(error), Date.now());
  if (retryAfter !== undefined) options.retryAfter = retryAfter;
  return errorFromStatus(status, error.message, options);
}

/** Turns any thrown value into one of rxllm's typed errors; an `RxllmError` is returned as it is. */
export function toRxllmError(error: unknown): RxllmError {
  if (error instanceof RxllmError) return error;
  if (error instanceof TimeoutError) return new RequestTimeoutError(error.message, { cause: error });
  if (error instanceof Error) {
    const withStatus = fromForeignStatus(error);
    if (withStatus !== undefined) return withStatus;
    // AbortSignal.timeout() rejects with a DOMException named TimeoutError; an abort, with AbortError.
    if (error.name === 'TimeoutError') return new RequestTimeoutError(error.message, { cause: error, code: 'upstream_timeout' });
    if (error.name === 'AbortError') return new APIConnectionError(`the request was aborted: ${error.message}`, { cause: error });
    if (isConnectionFailure(error)) {
      return new APIConnectionError(`connection to the provider failed: ${error.message}`, { cause: error });
    }
    return new InternalServerError(error.message, { cause: error });
  }
  return new InternalServerError(`non-error thrown: ${describe(error)}`, { cause: error });
}
