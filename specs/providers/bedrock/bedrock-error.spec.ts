import { describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  AuthenticationError,
  BadRequestError,
  ContextWindowExceededError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RequestTimeoutError,
  ServiceUnavailableError,
} from '../../../src/errors/error-classes.js';
import { bedrockError, bedrockErrorFromResponse } from '../../../src/providers/bedrock/bedrock-error.js';

const coral = (type: string) => ({ 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` });
const body = (message: string) => JSON.stringify({ message });

describe('bedrockErrorFromResponse', () => {
  it.each([
    [429, 'ThrottlingException', 'Too many requests, please wait before trying again.', RateLimitError, 429],
    [400, 'ValidationException', 'Malformed input request: #: extraneous key [foo] is not permitted', BadRequestError, 400],
    [403, 'AccessDeniedException', 'You don’t have access to the model with the specified model ID.', PermissionDeniedError, 403],
    [404, 'ResourceNotFoundException', 'Model not found.', NotFoundError, 404],
    [503, 'ServiceUnavailableException', 'Bedrock is unable to process your request.', ServiceUnavailableError, 503],
    [408, 'ModelTimeoutException', 'Model has timed out in processing the request.', RequestTimeoutError, 408],
    [500, 'InternalServerException', 'The server encountered an error processing your request.', InternalServerError, 500],
    [403, 'UnrecognizedClientException', 'The security token included in the request is invalid.', AuthenticationError, 401],
    [403, 'ExpiredTokenException', 'The security token included in the request is expired', AuthenticationError, 401],
  ])('%i %s → %o', (status, type, message, Class, expectedStatus) => {
    const error = bedrockErrorFromResponse(status, coral(type), body(message), 0, []);
    expect(error).toBeInstanceOf(Class);
    expect(error.status).toBe(expectedStatus);
    expect(error.message).toBe(`Bedrock ${type}: ${message}`);
  });

  it.each(['Input is too long for requested model.', 'prompt is too long: 208512 tokens > 200000 maximum', 'too many input tokens'])(
    'reads a ValidationException saying "%s" as ContextWindowExceededError',
    (message) => {
      const error = bedrockErrorFromResponse(400, coral('ValidationException'), body(message), 0, []);
      expect(error).toBeInstanceOf(ContextWindowExceededError);
      expect(error).toMatchObject({ status: 400, code: 'context_length_exceeded' });
    },
  );

  it('reads the exception from the body when the header is missing, and a capitalised Message', () => {
    const error = bedrockErrorFromResponse(400, {}, JSON.stringify({ __type: 'com.amazon.coral.service#ThrottlingException', Message: 'Slow down' }), 0, []);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.message).toBe('Bedrock ThrottlingException: Slow down');
  });

  it('falls back to the status and the start of the body', () => {
    const error = bedrockErrorFromResponse(502, {}, '<html>Bad Gateway</html>', 0, []);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 502, message: 'upstream answered HTTP 502: <html>Bad Gateway</html>' });
  });

  it('keeps a Retry-After', () => {
    expect(bedrockErrorFromResponse(429, { ...coral('ThrottlingException'), 'retry-after': '7' }, body('x'), 0, []).retryAfter).toBe(7);
  });

  it('masks every secret the upstream echoes', () => {
    const error = bedrockErrorFromResponse(403, coral('UnrecognizedClientException'), body('token tok-1 and key AKID'), 0, ['tok-1', undefined, 'AKID']);
    expect(error.message).toBe('Bedrock UnrecognizedClientException: token [redacted] and key [redacted]');
  });
});

describe('bedrockError (stream exception frames)', () => {
  it.each([
    ['throttlingException', RateLimitError, 429],
    ['modelStreamErrorException', APIConnectionError, 502],
    ['internalServerException', InternalServerError, 500],
    ['serviceUnavailableException', ServiceUnavailableError, 503],
    ['validationException', BadRequestError, 400],
    ['modelTimeoutException', RequestTimeoutError, 408],
  ])('%s → %o %i', (type, Class, status) => {
    const error = bedrockError(type, 'went wrong', { secrets: [] });
    expect(error).toBeInstanceOf(Class);
    expect(error.status).toBe(status);
  });

  it('is an InternalServerError for an exception it does not know, with no status to go by', () => {
    expect(bedrockError('brandNewException', 'x', { secrets: [] })).toBeInstanceOf(InternalServerError);
  });
});
