// Pins rxllm's public surface: adding or removing a public name must be a deliberate change here.
import { describe, expect, it } from 'vitest';
import * as rxllm from '../src/index.js';

describe('public API', () => {
  it('exports exactly the documented names', () => {
    expect(Object.keys(rxllm).sort()).toEqual([
      'APIConnectionError',
      'AuthenticationError',
      'BadRequestError',
      'ConfigError',
      'ContentPolicyViolationError',
      'ContextWindowExceededError',
      'InternalServerError',
      'NoDeploymentsAvailableError',
      'NotFoundError',
      'PermissionDeniedError',
      'RateLimitError',
      'RequestTimeoutError',
      'Router',
      'RxllmError',
      'ServiceUnavailableError',
      'UnprocessableEntityError',
      'attemptTimeout',
      'costBasedRouting',
      'createHttpProvider',
      'createOpenAICompatibleProvider',
      'deadline',
      'deploymentSchema',
      'errorFromStatus',
      'exponentialBackoff',
      'fallback',
      'firstChunkTimeout',
      'holdUntilContent',
      'idleTimeout',
      'isContentChunk',
      'latencyBasedRouting',
      'leastBusy',
      'parseRouterConfig',
      'retryWithBackoff',
      'routerConfigSchema',
      'routingStrategies',
      'simpleShuffle',
      'streamTimeouts',
      'toRxllmError',
      'usageBasedRoutingV2',
    ]);
  });

  it('every error class is an RxllmError with an OpenAI status', () => {
    const classes = [
      rxllm.BadRequestError,
      rxllm.ContextWindowExceededError,
      rxllm.ContentPolicyViolationError,
      rxllm.AuthenticationError,
      rxllm.PermissionDeniedError,
      rxllm.NotFoundError,
      rxllm.RequestTimeoutError,
      rxllm.UnprocessableEntityError,
      rxllm.RateLimitError,
      rxllm.NoDeploymentsAvailableError,
      rxllm.InternalServerError,
      rxllm.APIConnectionError,
      rxllm.ServiceUnavailableError,
    ];
    expect(classes.map((Class) => new Class('x')).map((error) => [error instanceof rxllm.RxllmError, error.status])).toEqual([
      [true, 400],
      [true, 400],
      [true, 400],
      [true, 401],
      [true, 403],
      [true, 404],
      [true, 408],
      [true, 422],
      [true, 429],
      [true, 429],
      [true, 500],
      [true, 502],
      [true, 503],
    ]);
  });
});
