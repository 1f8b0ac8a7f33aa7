import { describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ContentPolicyViolationError,
  ContextWindowExceededError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RequestTimeoutError,
  ServiceUnavailableError,
  UnprocessableEntityError,
  UpstreamClientError,
} from '../../src/errors/error-classes.js';
import { errorFromStatus } from '../../src/errors/error-from-status.js';

describe('errorFromStatus', () => {
  it.each([
    [400, BadRequestError, 'bad_request'],
    [401, AuthenticationError, 'invalid_api_key'],
    [403, PermissionDeniedError, 'permission_denied'],
    [404, NotFoundError, 'not_found'],
    [408, RequestTimeoutError, 'upstream_timeout'],
    [409, ConflictError, 'conflict'],
    [410, UpstreamClientError, 'upstream_client_error'],
    [413, BadRequestError, 'request_too_large'],
    [418, UpstreamClientError, 'upstream_client_error'],
    [422, UnprocessableEntityError, 'unprocessable_entity'],
    [429, RateLimitError, 'rate_limit_exceeded'],
    [500, InternalServerError, 'internal_server_error'],
    [502, InternalServerError, 'internal_server_error'],
    [503, ServiceUnavailableError, 'service_unavailable'],
    [504, InternalServerError, 'internal_server_error'],
    [529, InternalServerError, 'internal_server_error'],
  ] as const)('maps %i to %o with code %s, keeping the status', (status, Class, code) => {
    const error = errorFromStatus(status, 'upstream said no');
    expect(error).toBeInstanceOf(Class);
    expect(error).toMatchObject({ name: Class.name, status, code, message: 'upstream said no' });
  });

  it.each([200, 302, 0])('maps an unexpected non-error status %i to an APIConnectionError', (status) => {
    const error = errorFromStatus(status, 'odd');
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).toMatchObject({ status: 502, code: 'api_connection_error' });
    expect(error.message).toContain(String(status));
  });

  it('keeps the provider\'s own code, param and retryAfter', () => {
    expect(errorFromStatus(400, 'bad', { code: 'invalid_value', param: 'temperature' })).toMatchObject({ code: 'invalid_value', param: 'temperature' });
    expect(errorFromStatus(429, 'slow down', { code: 'tokens', retryAfter: 12 })).toMatchObject({ code: 'tokens', retryAfter: 12 });
    expect(errorFromStatus(404, 'no such model', { code: 'model_not_found' })).toMatchObject({ code: 'model_not_found' });
  });

  it('reports the status it was given even when options carry another', () => {
    expect(errorFromStatus(503, 'x', { status: 500 }).status).toBe(503);
  });

  it.each([
    ['by code', 'Invalid request', { code: 'context_length_exceeded' }],
    ['by OpenAI\'s message', "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.", {}],
    ['by Anthropic\'s message', 'prompt is too long: 210000 tokens > 200000 maximum', {}],
    ['by a "context window" message', 'Input exceeds the context window of this model', {}],
    ['by a "too many tokens" message', 'Too many tokens in the request', {}],
  ])('recognises a context-window 400 %s', (_, message, options) => {
    const error = errorFromStatus(400, message, options);
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    expect(error).toMatchObject({ status: 400, code: 'context_length_exceeded' });
  });

  it.each([
    ['by code content_policy_violation', 'Rejected', { code: 'content_policy_violation' }],
    ['by code content_filter', 'Rejected', { code: 'content_filter' }],
    ['by OpenAI\'s safety-system message', 'Your request was rejected as a result of our safety system.', {}],
    ['by Azure\'s content management policy message', "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.", {}],
    ['by a flagged message', 'Your prompt was flagged as potentially violating our usage policy.', {}],
  ])('recognises a content-policy 400 %s', (_, message, options) => {
    const error = errorFromStatus(400, message, options);
    expect(error).toBeInstanceOf(ContentPolicyViolationError);
    expect(error).toMatchObject({ status: 400, code: 'content_policy_violation' });
  });

  it('does not read context-window or content-policy meaning into other statuses', () => {
    expect(errorFromStatus(500, 'maximum context length exceeded')).toBeInstanceOf(InternalServerError);
    expect(errorFromStatus(429, 'flagged for rate')).not.toBeInstanceOf(ContentPolicyViolationError);
  });

  it('leaves an ordinary 400 a plain BadRequestError', () => {
    const error = errorFromStatus(400, "'messages' is a required property");
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).not.toBeInstanceOf(ContextWindowExceededError);
    expect(error).not.toBeInstanceOf(ContentPolicyViolationError);
  });
});
