import { describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  AuthenticationError,
  BadRequestError,
  ContentPolicyViolationError,
  ContextWindowExceededError,
  InternalServerError,
  NoDeploymentsAvailableError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RequestTimeoutError,
  ServiceUnavailableError,
  UnprocessableEntityError,
} from '../../src/errors/error-classes.js';
import { RxllmError } from '../../src/errors/rxllm-error.js';

const classes = [
  [BadRequestError, 400, 'invalid_request_error', 'bad_request'],
  [ContextWindowExceededError, 400, 'invalid_request_error', 'context_length_exceeded'],
  [ContentPolicyViolationError, 400, 'invalid_request_error', 'content_policy_violation'],
  [AuthenticationError, 401, 'authentication_error', 'invalid_api_key'],
  [PermissionDeniedError, 403, 'permission_error', 'permission_denied'],
  [NotFoundError, 404, 'not_found_error', 'model_not_found'],
  [RequestTimeoutError, 408, 'timeout_error', 'timeout'],
  [UnprocessableEntityError, 422, 'invalid_request_error', 'unprocessable_entity'],
  [RateLimitError, 429, 'rate_limit_error', 'rate_limit_exceeded'],
  [NoDeploymentsAvailableError, 429, 'rate_limit_error', 'no_deployments_available'],
  [InternalServerError, 500, 'server_error', 'internal_server_error'],
  [APIConnectionError, 502, 'api_connection_error', 'api_connection_error'],
  [ServiceUnavailableError, 503, 'server_error', 'service_unavailable'],
] as const;

describe('error classes', () => {
  it.each(classes)('%o has status %i, type %s and code %s by default', (Class, status, type, code) => {
    const error = new Class('it failed');
    expect(error).toMatchObject({ name: Class.name, status, type, code, param: null, message: 'it failed', attempts: [] });
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(RxllmError);
    expect(error).toBeInstanceOf(Error);
  });

  it.each(classes)('%o serialises to the OpenAI error body with its type and code', (Class, _status, type, code) => {
    expect(JSON.parse(JSON.stringify(new Class('it failed')))).toEqual({ error: { message: 'it failed', type, param: null, code } });
  });

  it('makes the context-window and content-policy errors BadRequestErrors, and NoDeploymentsAvailableError a RateLimitError', () => {
    expect(new ContextWindowExceededError('x')).toBeInstanceOf(BadRequestError);
    expect(new ContentPolicyViolationError('x')).toBeInstanceOf(BadRequestError);
    expect(new NoDeploymentsAvailableError('x')).toBeInstanceOf(RateLimitError);
  });

  it('does not confuse siblings or a parent with its subclass', () => {
    expect(new BadRequestError('x')).not.toBeInstanceOf(ContextWindowExceededError);
    expect(new ContextWindowExceededError('x')).not.toBeInstanceOf(ContentPolicyViolationError);
    expect(new RateLimitError('x')).not.toBeInstanceOf(NoDeploymentsAvailableError);
    expect(new RequestTimeoutError('x')).not.toBeInstanceOf(RateLimitError);
  });

  it('keeps the upstream status it is given (a 504 stays a 504 InternalServerError)', () => {
    expect(new InternalServerError('gateway timeout', { status: 504 })).toMatchObject({ status: 504, type: 'server_error' });
  });
});
