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
  RateLimitError,
  RequestTimeoutError,
  ServiceUnavailableError,
} from '../../src/index.js';
import { allowedRetries, retryPolicyKey } from '../../src/router/retry-rules.js';

describe('retryPolicyKey', () => {
  it.each([
    [new ContentPolicyViolationError('x'), 'ContentPolicyViolationErrorRetries'],
    [new ContextWindowExceededError('x'), 'BadRequestErrorRetries'],
    [new BadRequestError('x'), 'BadRequestErrorRetries'],
    [new AuthenticationError('x'), 'AuthenticationErrorRetries'],
    [new RequestTimeoutError('x', { code: 'first_chunk_timeout' }), 'TimeoutErrorRetries'],
    [new RateLimitError('x'), 'RateLimitErrorRetries'],
    [new NoDeploymentsAvailableError('x'), 'RateLimitErrorRetries'],
    [new InternalServerError('x', { status: 502 }), 'InternalServerErrorRetries'],
    // A 503 is a server error for retry_policy as it is for allowed_fails_policy.
    [new ServiceUnavailableError('x'), 'InternalServerErrorRetries'],
    [new APIConnectionError('x'), undefined],
    [new NotFoundError('x'), undefined],
    [new Error('x'), undefined],
  ])('names the class of %s', (error, key) => {
    expect(retryPolicyKey(error)).toBe(key);
  });

  it('lets a policy entry for the class win over the deployment and router num_retries', () => {
    const sources = { requestNumRetries: undefined, deploymentNumRetries: 3, routerNumRetries: 2 };
    expect(allowedRetries(new ServiceUnavailableError('x'), { ...sources, retryPolicy: { InternalServerErrorRetries: 5 } })).toBe(5);
    expect(allowedRetries(new RateLimitError('x'), { ...sources, retryPolicy: { InternalServerErrorRetries: 5 } })).toBe(3);
  });
});
