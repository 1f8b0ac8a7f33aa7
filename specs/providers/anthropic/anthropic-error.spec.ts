import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  ContextWindowExceededError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServiceUnavailableError,
} from '../../../src/errors/error-classes.js';
import { anthropicError, anthropicErrorFields, anthropicErrorFromResponse } from '../../../src/providers/anthropic/anthropic-error.js';
import { fixture } from '../../support/fixtures.js';

const body = (type: string, message: string) => JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_011' });
const now = Date.parse('2026-01-01T00:00:00Z');

describe('anthropicErrorFromResponse', () => {
  it.each([
    [400, 'invalid_request_error', BadRequestError, 400],
    [401, 'authentication_error', AuthenticationError, 401],
    [403, 'permission_error', PermissionDeniedError, 403],
    [404, 'not_found_error', NotFoundError, 404],
    [413, 'request_too_large', BadRequestError, 413],
    [429, 'rate_limit_error', RateLimitError, 429],
    [500, 'api_error', InternalServerError, 500],
    [529, 'overloaded_error', ServiceUnavailableError, 503],
  ])('%i %s → %o with status %i', (status, type, Class, expected) => {
    const error = anthropicErrorFromResponse(status, {}, body(type, 'something went wrong'), now);
    expect(error).toBeInstanceOf(Class);
    expect(error).toMatchObject({ status: expected, message: 'something went wrong' });
  });

  it('reads "prompt is too long" as ContextWindowExceededError, so context_window_fallbacks apply', () => {
    const error = anthropicErrorFromResponse(400, {}, fixture(new URL('./fixtures/prompt-too-long-400.json', import.meta.url)), now);
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    expect(error).toMatchObject({ status: 400, code: 'context_length_exceeded', message: 'prompt is too long: 210183 tokens > 200000 maximum' });
  });

  it("gives a 429 its retry-after as retryAfter (seconds or an HTTP-date)", () => {
    const limited = fixture(new URL('./fixtures/rate-limit-429.json', import.meta.url));
    expect(anthropicErrorFromResponse(429, { 'retry-after': '17' }, limited, now)).toMatchObject({ retryAfter: 17 });
    expect(anthropicErrorFromResponse(429, { 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, limited, now)).toMatchObject({ retryAfter: 30 });
    expect(anthropicErrorFromResponse(429, {}, limited, now).retryAfter).toBeUndefined();
  });

  it('makes a 529 a 503 even without an Anthropic body', () => {
    const error = anthropicErrorFromResponse(529, {}, '<html>overloaded</html>', now);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ status: 503, code: 'overloaded' });
  });

  it("reads a body that is not Anthropic's as any upstream's error", () => {
    const openAIShaped = anthropicErrorFromResponse(502, {}, JSON.stringify({ error: { message: 'bad gateway' } }), now);
    expect(openAIShaped).toMatchObject({ status: 502, message: 'bad gateway' });
    expect(anthropicErrorFromResponse(503, {}, 'upstream connect error', now)).toMatchObject({ status: 503, message: 'upstream answered HTTP 503: upstream connect error' });
  });

  it('masks the key wherever the upstream echoes it', () => {
    const key = 'sk-ant-api03-secret';
    for (const text of [body('authentication_error', `invalid x-api-key ${key}`), `no such key ${key}`]) {
      const error = anthropicErrorFromResponse(401, {}, text, now, key);
      expect(error.message).not.toContain(key);
      expect(JSON.stringify(error.toOpenAIError())).not.toContain(key);
    }
  });
});

describe('anthropicError (an error event inside a 200 stream)', () => {
  it('takes the status from the error type', () => {
    expect(anthropicError({ type: 'overloaded_error', message: 'Overloaded' }, {})).toBeInstanceOf(ServiceUnavailableError);
    expect(anthropicError({ type: 'rate_limit_error', message: 'slow down' }, {})).toBeInstanceOf(RateLimitError);
    expect(anthropicError({ type: 'api_error', message: 'Internal server error' }, {})).toMatchObject({ status: 500 });
    expect(anthropicError({ type: 'invalid_request_error', message: 'prompt is too long: 5 tokens > 4 maximum' }, {})).toBeInstanceOf(
      ContextWindowExceededError,
    );
  });

  it('is a 500 when the type is unknown', () => {
    expect(anthropicError({ type: 'brand_new_error', message: 'hm' }, {})).toMatchObject({ status: 500, message: 'hm' });
    expect(anthropicError({ type: undefined, message: undefined }, {})).toBeInstanceOf(InternalServerError);
  });
});

describe('anthropicErrorFields', () => {
  it("recognises only Anthropic's error shape", () => {
    expect(anthropicErrorFields({ type: 'error', error: { type: 'api_error', message: 'x' } })).toEqual({ type: 'api_error', message: 'x' });
    expect(anthropicErrorFields({ error: { message: 'x' } })).toBeUndefined();
    expect(anthropicErrorFields({ type: 'message', content: [] })).toBeUndefined();
  });
});
