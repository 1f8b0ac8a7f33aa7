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
import { geminiError, geminiErrorFromResponse, parseGeminiDuration } from '../../../src/providers/gemini/gemini-error.js';
import { fixture } from '../../support/fixtures.js';

const body = (name: string) => fixture(new URL(`./fixtures/${name}`, import.meta.url));

describe('geminiErrorFromResponse', () => {
  it.each([
    [429, 'rate-limit-429.json', RateLimitError],
    [400, 'invalid-argument-400.json', BadRequestError],
    [403, 'permission-denied-403.json', PermissionDeniedError],
    [404, 'not-found-404.json', NotFoundError],
    [500, 'internal-500.json', InternalServerError],
    [503, 'unavailable-503.json', ServiceUnavailableError],
  ])('maps HTTP %i (%s) to its class, with the message', (status, name, Class) => {
    const error = geminiErrorFromResponse(status, {}, body(name), 0);
    expect(error).toBeInstanceOf(Class);
    expect(error.status).toBe(status);
    expect(error.message).toBe((JSON.parse(body(name)) as { error: { message: string } }).error.message);
  });

  it("reads RetryInfo's retryDelay as retryAfter", () => {
    expect(geminiErrorFromResponse(429, {}, body('rate-limit-429.json'), 0)).toMatchObject({ retryAfter: 17, code: 'rate_limit_exceeded' });
  });

  it('lets a Retry-After header win over the body', () => {
    expect(geminiErrorFromResponse(429, { 'retry-after': '3' }, body('rate-limit-429.json'), 0).retryAfter).toBe(3);
  });

  it('makes a bad key an AuthenticationError (Gemini answers 400)', () => {
    const error = geminiErrorFromResponse(400, {}, body('api-key-invalid-400.json'), 0);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.status).toBe(401);
  });

  it('makes a prompt over the limit a ContextWindowExceededError', () => {
    expect(geminiErrorFromResponse(400, {}, body('too-long-400.json'), 0)).toBeInstanceOf(ContextWindowExceededError);
  });

  it('quotes a body that is not JSON, the key masked', () => {
    const error = geminiErrorFromResponse(502, {}, '<html>Bad gateway for key AIza-secret</html>', 0, 'AIza-secret');
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.message).toContain('HTTP 502');
    expect(error.message).not.toContain('AIza-secret');
  });
});

describe('geminiError', () => {
  it("takes the status from the body's code for an error event inside a stream", () => {
    const error = geminiError({ error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } }, { fallbackMessage: '' });
    expect(error).toBeInstanceOf(ServiceUnavailableError);
  });
});

describe('parseGeminiDuration', () => {
  it('reads protobuf durations in seconds', () => {
    expect(parseGeminiDuration('17s')).toBe(17);
    expect(parseGeminiDuration('0.250s')).toBe(0.25);
    expect(parseGeminiDuration('17')).toBeUndefined();
    expect(parseGeminiDuration(17)).toBeUndefined();
  });
});
