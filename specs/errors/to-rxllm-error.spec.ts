import { TimeoutError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  AuthenticationError,
  ContextWindowExceededError,
  InternalServerError,
  RateLimitError,
  RequestTimeoutError,
} from '../../src/errors/error-classes.js';
import { RxllmError } from '../../src/errors/rxllm-error.js';
import { toRxllmError } from '../../src/errors/to-rxllm-error.js';

function nodeError(code: string, message = `connect ${code} 127.0.0.1:443`): Error {
  return Object.assign(new Error(message), { code });
}

describe('toRxllmError', () => {
  it('returns an RxllmError as it is', () => {
    const error = new RateLimitError('slow down', { retryAfter: 3 });
    expect(toRxllmError(error)).toBe(error);
  });

  it('returns an error branded by another copy of rxllm as it is', () => {
    const foreign = Object.create({ [Symbol.for('rxllm.error.RxllmError')]: true }) as object;
    expect(toRxllmError(foreign)).toBe(foreign);
  });

  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'ECONNABORTED',
    'EPIPE',
    'ETIMEDOUT',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'UND_ERR_SOCKET',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'UND_ERR_CLOSED',
  ])('turns a connection failure with code %s into a 502 APIConnectionError that keeps the cause', (code) => {
    const cause = nodeError(code);
    const error = toRxllmError(cause);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).toMatchObject({ status: 502, type: 'api_connection_error', code: 'api_connection_error', cause });
    expect(error.message).toContain(cause.message);
  });

  it("finds the connection failure in the cause of undici fetch's 'fetch failed'", () => {
    const fetchFailed = new TypeError('fetch failed', { cause: nodeError('ECONNREFUSED') });
    const error = toRxllmError(fetchFailed);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error.cause).toBe(fetchFailed);
  });

  it('turns an rxjs TimeoutError into a 408 RequestTimeoutError', () => {
    const timeout = new TimeoutError();
    const error = toRxllmError(timeout);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error).toMatchObject({ status: 408, type: 'timeout_error', cause: timeout });
  });

  it('turns any other Error into a 500 InternalServerError with its message and the error as cause', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'choices')");
    const error = toRxllmError(bug);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 500, message: bug.message, cause: bug });
  });

  it('does not mistake an unrelated code for a connection failure', () => {
    expect(toRxllmError(nodeError('ERR_INVALID_ARG_TYPE', 'bad argument'))).toBeInstanceOf(InternalServerError);
  });

  it.each([
    ['a string', 'boom', 'boom'],
    ['a number', 42, '42'],
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['a plain object', { status: 500 }, '[object Object]'],
    ['an object without a prototype', Object.create(null) as unknown, 'object'],
  ])('turns %s into a 500 InternalServerError naming it', (_, thrown, shown) => {
    const error = toRxllmError(thrown);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toBeInstanceOf(RxllmError);
    expect(error.message).toBe(`non-error thrown: ${shown}`);
    expect(error.cause).toBe(thrown);
  });

  describe('errors of other libraries that carry an HTTP status', () => {
    class ForeignAPIError extends Error {
      constructor(
        readonly status: number,
        message: string,
        readonly headers?: unknown,
        readonly code?: string,
      ) {
        super(message);
      }
    }

    it("keeps a 429's class and its Retry-After from a Headers object (the openai SDK's APIError)", () => {
      const error = toRxllmError(new ForeignAPIError(429, 'slow down', new Headers({ 'retry-after': '3' })));
      expect(error).toBeInstanceOf(RateLimitError);
      expect(error).toMatchObject({ status: 429, retryAfter: 3 });
    });

    it('reads retry-after-ms from a plain header record', () => {
      expect(toRxllmError(new ForeignAPIError(503, 'busy', { 'Retry-After-Ms': '1500' }))).toMatchObject({ status: 503, retryAfter: 1.5 });
    });

    it('keeps the code and picks the class by status', () => {
      const error = toRxllmError(new ForeignAPIError(400, 'too long', undefined, 'context_length_exceeded'));
      expect(error).toBeInstanceOf(ContextWindowExceededError);
      expect(toRxllmError(new ForeignAPIError(401, 'bad key'))).toBeInstanceOf(AuthenticationError);
    });

    it('ignores a status that is not an HTTP error status', () => {
      expect(toRxllmError(new ForeignAPIError(200, 'odd'))).toBeInstanceOf(InternalServerError);
    });
  });

  it("turns AbortSignal.timeout()'s TimeoutError into a 408 upstream_timeout", () => {
    const error = toRxllmError(new DOMException('The operation timed out.', 'TimeoutError'));
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error.code).toBe('upstream_timeout');
  });

  it('turns an AbortError into an APIConnectionError', () => {
    expect(toRxllmError(new DOMException('This operation was aborted', 'AbortError'))).toBeInstanceOf(APIConnectionError);
  });
});
